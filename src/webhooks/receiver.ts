import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { invalidInput } from '../schema/invalid-input';
import { EventCoalescer } from './coalescer';
import { ConnectionGuard } from './connection-guard';
import { EventJournal, JournalFullError } from './event-journal';
import { JournaledDelivery } from './journaled-delivery';
import { parseAnnotationEvent } from './parse-event';
import { readBody } from './read-body';
import { WebhookRejection } from './rejection';
import { resolveReceiverOptions, type WebhookReceiverOptions, type WebhookResult } from './receiver-options';
import { secretMatches } from './secret';
import { PipelineWatch } from './pipeline-watch';
import { pipelineIdFor, signalPipelineRun } from './signal-pipeline';
import type { AnnotationEvent, AnnotationEvents } from '../workflows/annotation-events';

export interface WebhookReceiver {
  /** An https.Server (a subclass) when `tls` is set. */
  server: Server;
  /** Resolves with the URL it listens on (https:// with `tls`); port 0 picks a free one. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

const DELIVERY_DEADLINE_MS = 30_000;
/** Retry-After of an event refused because the journal is full: deliveries drain it meanwhile. */
const JOURNAL_FULL_RETRY_S = 30;
/** How long /readyz waits for Temporal, and how long its answer is reused (a probe storm costs Temporal one call a second). */
const READY_CHECK_MS = 2_000;
const READY_REUSE_MS = 1_000;
const PROBES = new Set(['/livez', '/readyz', '/healthz']);
/**
 * Connections the kernel may hold for accept() (it caps this at net.core.somaxconn). Node's default,
 * 511, overflowed under a burst while the event loop was busy: the kernel then drops the handshake,
 * and the sender's retransmission comes after Label Studio's 1 s timeout.
 */
const LISTEN_BACKLOG = 65_535;

/**
 * An HTTP(S) receiver for Label Studio's annotation webhooks: each accepted event is signalled to its
 * project's annotationPipeline (started if needed). Answers 202 once Temporal has recorded the event
 * in the pipeline's history, or with `journal`, once the event is fsync'd to the receiver's journal
 * (delivered in the background, resent after a restart); 401 without the secret, 400 for what it
 * cannot use, 413 for oversized bodies (nothing is started in those cases); 503 when the event is not
 * taken in time (it may still arrive; the pipeline's reconciliation catches a lost one) or the journal is
 * full (with Retry-After; nothing was acknowledged). A refused request's connection is closed.
 * GET or HEAD /livez (and /healthz) answers 200 while the process serves; /readyz 200 when Temporal answers, 503 otherwise.
 */
export function createWebhookReceiver(given: WebhookReceiverOptions): WebhookReceiver {
  const options = resolveReceiverOptions(given);
  const header = options.secretHeader.toLowerCase();
  const maxBody = options.maxBodyBytes;
  const timeoutMs = options.temporalTimeoutMs;
  // The answer waits timeoutMs; the delivery goes on longer, so an event answered 503 may still land
  // (Label Studio never resends it, so landing late beats not landing; the reconciliation covers the rest).
  const watch = options.onPipelineEnd && new PipelineWatch(options.client, options.onPipelineEnd);
  const signal = async (events: AnnotationEvents): Promise<string> => {
    const sent = await options.client.withDeadline(Date.now() + DELIVERY_DEADLINE_MS, () => signalPipelineRun(options.client, events, options));
    watch?.watch(sent.workflowId, sent.runId, events.project);
    return sent.workflowId;
  };
  const coalescer = new EventCoalescer(signal);
  // Opened by listen(): reading the journal is asynchronous.
  let journaled: JournaledDelivery | undefined;
  const take = async (event: AnnotationEvent): Promise<string> => {
    if (!journaled) return coalescer.deliver(event);
    await journaled.accept(event);
    return pipelineIdFor(options, event.project);
  };

  const handle = async (req: IncomingMessage): Promise<Omit<WebhookResult, 'elapsedMs'>> => {
    if (req.method !== 'POST') throw new WebhookRejection(405, 'use POST');
    // Before the body is read: an unauthenticated sender gets nothing for its bytes.
    if (!secretMatches(req.headers[header], options.secret)) throw new WebhookRejection(401, `missing or wrong ${header} header`);
    if (!isJson(req.headers['content-type'])) throw new WebhookRejection(415, 'send Content-Type: application/json');
    const body = await readBody(req, maxBody);
    const url = new URL(req.url ?? '/', 'http://receiver');
    const event = parseAnnotationEvent(body, url.searchParams.get('project'));
    const workflowId = await withinDeadline(take(event), timeoutMs, journaled ? 'the journal did not record' : 'Temporal did not take');
    return { status: 202, action: event.action, project: event.project, workflowId };
  };

  const ready = readiness(options.client);
  const probe = (path: string, res: ServerResponse, head: boolean) => {
    if (path !== '/readyz') return send(res, { status: 200 }, { ok: true }, false, head);
    void ready().then((error) => send(res, { status: error ? 503 : 200 }, error ? { ok: false, error } : { ok: true }, false, head));
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if ((req.method === 'GET' || req.method === 'HEAD') && PROBES.has(path)) return probe(path, res, req.method === 'HEAD');
    const arrived = performance.now();
    const elapsedMs = () => Math.round(performance.now() - arrived);
    handle(req).then(
      (result) => respond(req, res, { ...result, elapsedMs: elapsedMs() }, options.onResult),
      (err: unknown) => {
        const rejection = err instanceof WebhookRejection ? err : new WebhookRejection(503, `cannot deliver the event: ${(err as Error)?.message ?? String(err)}`);
        respond(req, res, { status: rejection.status, reason: rejection.reason, elapsedMs: elapsedMs() }, options.onResult, rejection.retryAfterSeconds);
      },
    );
  };
  // Slow senders must not hold sockets: Label Studio itself sends everything at once. Node enforces
  // these timeouts only when it checks its connections, every 30 s by default: check often enough
  // that a timeout fires within a quarter of itself (at most 1 s) of being due.
  const serverOptions: ServerOptions = {
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, Math.ceil(options.headersTimeoutMs / 4)),
  };
  const server: Server = options.tls
    ? createTlsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key, handshakeTimeout: options.idleTimeoutMs }, listener)
    : createServer(serverOptions, listener);
  server.keepAliveTimeout = options.idleTimeoutMs;
  new ConnectionGuard(options.maxConnections, options.maxConnectionsPerPeer, options.idleTimeoutMs).attach(server);
  const scheme = options.tls ? 'https' : 'http';

  return {
    server,
    listen: async (port, host = '127.0.0.1') => {
      if (options.journal && !journaled) {
        const onError = options.onDeliveryError ?? (() => undefined);
        const bounds = { maxEvents: options.journalMaxEvents, maxBytes: options.journalMaxBytes, warn: options.onJournalWarning };
        const journal = await EventJournal.open(options.journal, bounds).catch((err: NodeJS.ErrnoException) => {
          throw invalidInput('webhook receiver option journal', `${JSON.stringify(options.journal)} cannot be used as the journal directory (${err.code ?? err.message}): give a writable directory on a persistent volume`);
        });
        journaled = new JournaledDelivery(journal, signal, (err, project) => onError(err as Error, project));
        journaled.resume();
      }
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve(`${scheme}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`);
        });
      });
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      watch?.close();
      await journaled?.close(); // what is not delivered yet stays in the journal for the next start
    },
  };
}

/** The answer has its own timer: Label Studio gets its 503 in time, even if the event lands later. */
async function withinDeadline(delivery: Promise<string>, timeoutMs: number, late: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer')), timeoutMs);
  });
  try {
    return await Promise.race([delivery, expired]);
  } catch (err) {
    if (err instanceof JournalFullError) throw new WebhookRejection(503, `cannot take the event now: ${err.message} (Temporal is behind); try again later`, JOURNAL_FULL_RETRY_S);
    throw new WebhookRejection(503, `${late} the event within ${timeoutMs} ms (${(err as Error)?.message ?? String(err)})`);
  } finally {
    clearTimeout(timer);
  }
}

function respond(req: IncomingMessage, res: ServerResponse, result: WebhookResult, onResult?: (r: WebhookResult) => void, retryAfterSeconds?: number): void {
  onResult?.(result);
  const accepted = result.status === 202;
  const body = accepted ? { accepted: true, workflowId: result.workflowId, project: result.project, action: result.action } : { error: result.reason };
  // A refused request (a stranger's, say) loses its connection at once; it may still be sending its body.
  send(res, result, body, !accepted, false, retryAfterSeconds);
  if (!accepted) res.once('finish', () => req.destroy());
}

function send(res: ServerResponse, result: { status: number }, body: unknown, close = false, head = false, retryAfterSeconds?: number): void {
  const text = JSON.stringify(body);
  res.writeHead(result.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
    ...(result.status === 405 ? { allow: 'POST' } : {}),
    ...(retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {}),
  });
  res.end(head ? undefined : text);
}

/** No Content-Type is taken as JSON (a sender that names none); any other than JSON is refused. */
function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type);
}

/** Whether Temporal answers its health check: undefined when it does, else why not. One check at a time, reused for a second. */
function readiness(client: WebhookReceiverOptions['client']): () => Promise<string | undefined> {
  let last: { at: number; answer: Promise<string | undefined> } | undefined;
  return () => {
    if (last && performance.now() - last.at < READY_REUSE_MS) return last.answer;
    const answer = client
      .withDeadline(Date.now() + READY_CHECK_MS, () => client.workflowService.getSystemInfo({}))
      .then(
        () => undefined,
        (err: unknown) => `Temporal does not answer (${(err as Error)?.message ?? String(err)})`,
      );
    last = { at: performance.now(), answer };
    return answer;
  };
}

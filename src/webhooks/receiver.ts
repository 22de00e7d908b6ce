import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { invalidInput } from '../schema/invalid-input';
import { EventCoalescer } from './coalescer';
import { EventJournal } from './event-journal';
import { JournaledDelivery } from './journaled-delivery';
import { parseAnnotationEvent } from './parse-event';
import { readBody } from './read-body';
import { WebhookRejection } from './rejection';
import { resolveReceiverOptions, type WebhookReceiverOptions, type WebhookResult } from './receiver-options';
import { secretMatches } from './secret';
import { pipelineIdFor, signalAnnotationPipeline } from './signal-pipeline';
import type { AnnotationEvent, AnnotationEvents } from '../workflows/annotation-events';

export interface WebhookReceiver {
  /** An https.Server (a subclass) when `tls` is set. */
  server: Server;
  /** Resolves with the URL it listens on (https:// with `tls`); port 0 picks a free one. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

const DELIVERY_DEADLINE_MS = 30_000;
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
 * taken in time (it may still arrive; the pipeline's reconciliation catches a lost one).
 * GET /healthz answers 200.
 */
export function createWebhookReceiver(given: WebhookReceiverOptions): WebhookReceiver {
  const options = resolveReceiverOptions(given);
  const header = options.secretHeader.toLowerCase();
  const maxBody = options.maxBodyBytes;
  const timeoutMs = options.temporalTimeoutMs;
  // The answer waits timeoutMs; the delivery goes on longer, so an event answered 503 may still land
  // (Label Studio never resends it, so landing late beats not landing; the reconciliation covers the rest).
  const signal = (events: AnnotationEvents) =>
    options.client.withDeadline(Date.now() + DELIVERY_DEADLINE_MS, () => signalAnnotationPipeline(options.client, events, options));
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
    const body = await readBody(req, maxBody);
    const url = new URL(req.url ?? '/', 'http://receiver');
    const event = parseAnnotationEvent(body, url.searchParams.get('project'));
    const workflowId = await withinDeadline(take(event), timeoutMs, journaled ? 'the journal did not record' : 'Temporal did not take');
    return { status: 202, action: event.action, project: event.project, workflowId };
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/healthz') return send(res, { status: 200 }, { ok: true });
    const arrived = performance.now();
    const elapsedMs = () => Math.round(performance.now() - arrived);
    handle(req).then(
      (result) => respond(req, res, { ...result, elapsedMs: elapsedMs() }, options.onResult),
      (err: unknown) => {
        const rejection = err instanceof WebhookRejection ? err : new WebhookRejection(503, `cannot deliver the event: ${(err as Error)?.message ?? String(err)}`);
        respond(req, res, { status: rejection.status, reason: rejection.reason, elapsedMs: elapsedMs() }, options.onResult);
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
  const server: Server = options.tls ? createTlsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, listener) : createServer(serverOptions, listener);
  server.maxConnections = options.maxConnections;
  const scheme = options.tls ? 'https' : 'http';

  return {
    server,
    listen: async (port, host = '127.0.0.1') => {
      if (options.journal && !journaled) {
        const onError = options.onDeliveryError ?? (() => undefined);
        const journal = await EventJournal.open(options.journal).catch((err: NodeJS.ErrnoException) => {
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
    throw new WebhookRejection(503, `${late} the event within ${timeoutMs} ms (${(err as Error)?.message ?? String(err)})`);
  } finally {
    clearTimeout(timer);
  }
}

function respond(req: IncomingMessage, res: ServerResponse, result: WebhookResult, onResult?: (r: WebhookResult) => void): void {
  onResult?.(result);
  const body = result.status === 202 ? { accepted: true, workflowId: result.workflowId, project: result.project, action: result.action } : { error: result.reason };
  // A refused request may still be sending its body: close rather than read the rest.
  const unread = !req.readableEnded;
  send(res, result, body, unread);
  if (unread) res.once('finish', () => req.destroy());
}

function send(res: ServerResponse, result: { status: number }, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(result.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
    ...(result.status === 405 ? { allow: 'POST' } : {}),
  });
  res.end(text);
}

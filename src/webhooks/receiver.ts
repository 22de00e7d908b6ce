import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { resolvePipelineInput } from '../workflows/pipeline-input';
import { EventCoalescer } from './coalescer';
import { parseAnnotationEvent } from './parse-event';
import { readBody } from './read-body';
import { WebhookRejection } from './rejection';
import { secretMatches } from './secret';
import { signalAnnotationPipeline, type PipelineStartOptions } from './signal-pipeline';

export interface WebhookReceiverOptions extends PipelineStartOptions {
  client: Client;
  /** The shared secret Label Studio sends as a custom header (at least 16 characters). It stays in this process. */
  secret: string;
  /** Header carrying it; default x-webhook-secret. */
  secretHeader?: string;
  /** Larger bodies are refused with 413; default 4 MiB. */
  maxBodyBytes?: number;
  /** Time allowed for Temporal to take the event: Label Studio gives up after 1 s; default 800 ms. */
  temporalTimeoutMs?: number;
  /** Called once per request with what was answered, e.g. for a log line. */
  onResult?: (result: WebhookResult) => void;
}

export interface WebhookResult {
  status: number;
  /** From the request's arrival to the answer: what Label Studio's 1 s timeout measures, less the network. */
  elapsedMs: number;
  reason?: string;
  action?: string;
  project?: number;
  workflowId?: string;
}

export interface WebhookReceiver {
  server: Server;
  /** Resolves with the URL it listens on; port 0 picks a free one. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export const DEFAULT_SECRET_HEADER = 'x-webhook-secret';
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
export const MIN_SECRET_LENGTH = 16;

/**
 * An HTTP receiver for Label Studio's annotation webhooks: each accepted event is signalled to its
 * project's annotationPipeline (started if needed). Answers 202 once Temporal holds the event;
 * 401 without the secret, 400 for what it cannot use, 413 for oversized bodies (nothing is started
 * in those cases); 503 when Temporal does not confirm in time (the event may still arrive).
 */
export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  if (typeof options.secret !== 'string' || options.secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`the webhook secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  // A bad pipeline configuration fails here, at startup, not in the first pipeline workflow.
  resolvePipelineInput({ ...options.pipeline, connection: options.connection, project: 1 });
  const header = (options.secretHeader ?? DEFAULT_SECRET_HEADER).toLowerCase();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = options.temporalTimeoutMs ?? 800;
  const coalescer = new EventCoalescer((events, deadline) =>
    options.client.withDeadline(deadline, () => signalAnnotationPipeline(options.client, events, options)),
  );

  const handle = async (req: IncomingMessage): Promise<Omit<WebhookResult, 'elapsedMs'>> => {
    if (req.method !== 'POST') throw new WebhookRejection(405, 'use POST');
    // Before the body is read: an unauthenticated sender gets nothing for its bytes.
    if (!secretMatches(req.headers[header], options.secret)) throw new WebhookRejection(401, `missing or wrong ${header} header`);
    const body = await readBody(req, maxBody);
    const url = new URL(req.url ?? '/', 'http://receiver');
    const event = parseAnnotationEvent(body, url.searchParams.get('project'));
    const workflowId = await withinDeadline(coalescer.deliver(event, Date.now() + timeoutMs), timeoutMs);
    return { status: 202, action: event.action, project: event.project, workflowId };
  };

  const server = createServer((req, res) => {
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
  });
  // Slow senders must not hold sockets: Label Studio itself sends everything at once.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;

  return {
    server,
    listen: (port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The gRPC deadline does not bound everything (a connection still being set up may take longer),
 * so the answer has its own timer: Label Studio gets its 503 in time, even if the event lands later.
 */
async function withinDeadline(delivery: Promise<string>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer')), timeoutMs);
  });
  try {
    return await Promise.race([delivery, late]);
  } catch (err) {
    throw new WebhookRejection(503, `Temporal did not take the event within ${timeoutMs} ms (${(err as Error)?.message ?? String(err)})`);
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

import type { Client } from '@temporalio/client';
import { z } from '../schema/zod';
import { invalidInput } from '../schema/invalid-input';
import { checkPipelineInput } from '../client/check-input';
import { closestName } from '../schema/did-you-mean';
import { DEFAULT_JOURNAL_MAX_BYTES, DEFAULT_JOURNAL_MAX_EVENTS } from './event-journal';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_PEER, DEFAULT_SECRET_HEADER, MIN_SECRET_LENGTH } from './receiver-defaults';
import type { PipelineStartOptions } from './signal-pipeline';
import type { PipelineEnded } from './pipeline-watch';

/** Bodies nested deeper are refused (400) before JSON.parse: Label Studio's payloads nest a handful of levels. */
export const MAX_JSON_DEPTH = 64;

/** What the receiver answered one request, e.g. for a log line. */
export interface WebhookResult {
  status: number;
  /** From the request's arrival to the answer: what Label Studio's 1 s timeout measures, less the network. */
  elapsedMs: number;
  reason?: string;
  action?: string;
  project?: number;
  workflowId?: string;
}

const ms = (min: number, max: number, fallback: number) => z.int().min(min).max(max).default(fallback);
const pem = z.union([z.string().min(1), z.instanceof(Buffer)]);

/** The receiver's options: strict, so a misspelt option is an error, not a silent default. */
export const receiverOptionsSchema = z
  .strictObject({
    client: z.custom<Client>((v) => typeof v === 'object' && v !== null && 'workflow' in v, 'must be a Temporal Client (@temporalio/client)'),
    /** The shared secret Label Studio sends as a custom header. It stays in this process. */
    secret: z.string(`must be a string of at least ${MIN_SECRET_LENGTH} characters`).min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`),
    /** Header carrying it. */
    secretHeader: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name').default(DEFAULT_SECRET_HEADER),
    /** Larger bodies are refused with 413. */
    maxBodyBytes: z.int().min(1).max(2 ** 31).default(DEFAULT_MAX_BODY_BYTES),
    /** Time allowed for Temporal (or the journal) to take the event: Label Studio gives up after 1 s (WEBHOOK_TIMEOUT). */
    temporalTimeoutMs: ms(50, 60_000, 800),
    /** A sender must have sent its headers within this time… */
    headersTimeoutMs: ms(100, 600_000, 5_000),
    /** …and its whole request within this one (Label Studio sends everything at once). */
    requestTimeoutMs: ms(100, 600_000, 10_000),
    /** Connections held at most: a new one past it closes the oldest idle one (or itself, when none is idle). */
    maxConnections: z.int().min(1).max(1_000_000).default(DEFAULT_MAX_CONNECTIONS),
    /** Likewise per peer address. */
    maxConnectionsPerPeer: z.int().min(1).max(1_000_000).default(DEFAULT_MAX_CONNECTIONS_PER_PEER),
    /** A connection with no request in progress is closed after this long (from its opening, or its last answer). */
    idleTimeoutMs: ms(100, 600_000, DEFAULT_IDLE_TIMEOUT_MS),
    /**
     * A directory for the event journal: an event is answered 202 once it is fsync'd there, and
     * delivered to Temporal in the background (resent after a restart). Must be on a persistent volume.
     */
    journal: z.string().min(1).optional(),
    /** Undelivered events the journal holds at most: past it, an event is refused (503, Retry-After) before it is acknowledged. */
    journalMaxEvents: z.int().min(1).max(100_000_000).default(DEFAULT_JOURNAL_MAX_EVENTS),
    /** Bytes the journal file holds at most: likewise. */
    journalMaxBytes: z.int().min(64 * 1024).max(2 ** 48).default(DEFAULT_JOURNAL_MAX_BYTES),
    /** Told of what the journal survived: lines skipped on opening, a rewrite that failed. */
    onJournalWarning: z.custom<(message: string) => void>((v) => typeof v === 'function', 'must be a function').optional(),
    /** Called when a journaled delivery fails; it is retried. */
    onDeliveryError: z.custom<(err: Error, project: number) => void>((v) => typeof v === 'function', 'must be a function').optional(),
    /** PEM certificate and key: serve HTTPS, so the secret header never crosses the network in clear text. */
    tls: z.strictObject({ cert: pem, key: pem }).optional(),
    /** Told when a pipeline the receiver signalled ends (an unknown project, idleness) or fails; unset, nothing watches them. */
    onPipelineEnd: z.custom<(ended: PipelineEnded) => void>((v) => typeof v === 'function', 'must be a function').optional(),
    /** Called once per request with what was answered. */
    onResult: z.custom<(result: WebhookResult) => void>((v) => typeof v === 'function', 'must be a function').optional(),
    connection: z.string().min(1).optional(),
    taskQueue: z.string().min(1).optional(),
    pipeline: z.custom<PipelineStartOptions['pipeline']>((v) => typeof v === 'object' && v !== null, 'must be an object').optional(),
    searchAttributes: z.boolean().optional(),
  })
  .refine((o) => o.headersTimeoutMs <= o.requestTimeoutMs, { path: ['headersTimeoutMs'], message: 'must not exceed requestTimeoutMs' });

export type WebhookReceiverOptions = z.input<typeof receiverOptionsSchema>;
export type ResolvedReceiverOptions = z.output<typeof receiverOptionsSchema>;

const OPTION_NAMES = Object.keys(receiverOptionsSchema.shape);

/**
 * Checks the options and fills defaults; throws a non-retryable InvalidInput naming the first wrong
 * option (an unknown one with the nearest known name). A bad pipeline configuration fails here too,
 * at startup, not in the first pipeline workflow.
 */
export function resolveReceiverOptions(options: WebhookReceiverOptions): ResolvedReceiverOptions {
  const parsed = receiverOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      const near = closestName(key, OPTION_NAMES);
      throw invalidInput(`webhook receiver option ${JSON.stringify(key)}`, `is unknown${near ? `; did you mean ${JSON.stringify(near)}?` : ` (known: ${OPTION_NAMES.join(', ')})`}`);
    }
    // zod's own messages name the expected type, never the value given: the secret is not echoed.
    throw invalidInput(`webhook receiver option ${issue.path.join('.') || '(options)'}`, issue.message);
  }
  checkPipelineInput({ ...parsed.data.pipeline, connection: parsed.data.connection, project: 1 });
  return parsed.data;
}

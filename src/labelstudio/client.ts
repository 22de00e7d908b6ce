import { Agent, request, type Dispatcher } from 'undici';
import { z } from '../schema/zod';
import { DEFAULT_MAX_RESPONSE_BYTES, MAX_MAX_RESPONSE_BYTES } from '../config/response-size';
import { DEFAULT_RESPONSE_TIMEOUT_MS, defaultReadTimeoutMs, MAX_CONNECT_TIMEOUT_MS, MAX_READ_TIMEOUT_MS, MAX_RESPONSE_TIMEOUT_MS } from '../config/timeouts';
import { wholeNumber } from '../schema/fields';
import { httpUrl } from '../schema/http-url';
import { parseInput } from '../schema/invalid-input';
import { strictObject } from '../schema/strict-object';
import { createAuthenticator, type Authenticator } from './auth';
import { LabelStudioError, kindForStatus, type LabelStudioErrorKind } from './errors';
import { parseExportStorage, type ExportStorage } from './export-storage';
import { parseProjectCounters, type ProjectCounters } from './project-counters';
import { parseTaskPage, type TaskPage } from './project-tasks';
import { routeOf, type RequestObserver } from './request-observer';
import { parseRetryAfter } from './retry-after';
import { isStorageType, STORAGE_TYPES, type StorageType } from './storage-types';

export const labelStudioClientOptionsSchema = strictObject({
  /** Label Studio's base URL with its scheme, e.g. https://label-studio.example.com. */
  baseUrl: httpUrl,
  apiKey: z.string({ error: 'must be a Label Studio access token' }).min(1, { error: 'must be a Label Studio access token' }),
  /** Named in error messages instead of the URL, which must stay out of workflow history. */
  connectionName: z.string({ error: 'must be a string' }).optional(),
  connectTimeoutMs: wholeNumber(1, MAX_CONNECT_TIMEOUT_MS).optional(),
  /** The sync POST's deadline, connect to the answer's last byte. Community runs a whole export inside it, so keep it generous. */
  responseTimeoutMs: wholeNumber(1, MAX_RESPONSE_TIMEOUT_MS).optional(),
  /** A read's deadline (GETs, the token exchange), connect to the answer's last byte; default 30 s, at most the response timeout. */
  readTimeoutMs: wholeNumber(1, MAX_READ_TIMEOUT_MS).optional(),
  /** The largest answer read; a larger one fails as `response_too_large`. Default 8 MiB. */
  maxResponseBytes: wholeNumber(1, MAX_MAX_RESPONSE_BYTES).optional(),
  /** Share one connection pool between clients, or inject one in tests. */
  dispatcher: z.custom<Dispatcher>((v) => typeof v === 'object' && v !== null, { error: 'must be an undici Dispatcher' }).optional(),
  /** Told of every request and how it ended (the worker's metrics and tracing). */
  observe: z.custom<RequestObserver>((v) => typeof v === 'function', { error: 'must be a function' }).optional(),
});

export type LabelStudioClientOptions = z.input<typeof labelStudioClientOptionsSchema>;

type Method = 'GET' | 'POST';

/** Which deadline bounds a request: reads answer at once, the sync POST may run an export. */
type Wait = 'read' | 'response';

/** One client for every export storage type: they all share the route shape. */
export class LabelStudioClient {
  readonly connectionName: string;
  /** How long the sync POST waits for an answer: activities size their waits from it. */
  readonly responseTimeoutMs: number;
  /** How long a read waits for an answer: activities that only read size their timeouts from it. */
  readonly readTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly base: URL;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly auth: Authenticator;
  private readonly observe: RequestObserver | undefined;
  /** Aborts every call of this client when it fires (see withSignal). */
  private readonly signal: AbortSignal | undefined = undefined;

  /** Throws InvalidInput for bad options (e.g. a base URL without its scheme), never echoing the URL or key. */
  constructor(given: LabelStudioClientOptions) {
    const options = parseInput(labelStudioClientOptionsSchema, given, ['baseUrl', 'apiKey']);
    this.connectionName = options.connectionName ?? 'default';
    this.observe = options.observe;
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.responseTimeoutMs = options.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
    this.readTimeoutMs = options.readTimeoutMs ?? defaultReadTimeoutMs(this.responseTimeoutMs);
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.ownsDispatcher = options.dispatcher === undefined;
    // The deadlines go with each request (see send), so they hold on an injected dispatcher too.
    this.dispatcher = options.dispatcher ?? new Agent({ connect: { timeout: options.connectTimeoutMs ?? 10_000 } });
    this.auth = createAuthenticator(options.apiKey, (refresh) => this.exchangeRefreshToken(refresh));
  }

  /**
   * This client with each of its calls also aborted when `signal` fires: the same pool, credentials
   * and settings, nothing to close. An aborted call rejects with the signal's reason.
   */
  withSignal(signal: AbortSignal): LabelStudioClient {
    // A shallow copy shares the pool and the authenticator. The token exchange stays on the unbound
    // client: concurrent calls share one exchange, so one caller's abort must not fail the others'.
    return Object.assign(Object.create(LabelStudioClient.prototype) as LabelStudioClient, this, { signal, ownsDispatcher: false });
  }

  get authScheme(): Authenticator['scheme'] {
    return this.auth.scheme;
  }

  async getExportStorage(type: StorageType, id: number): Promise<ExportStorage> {
    return (await this.readExportStorage(type, id)).storage;
  }

  /** The storage, and Label Studio's clock when it answered (the HTTP Date header, epoch ms; null without one). */
  async readExportStorage(type: StorageType, id: number): Promise<{ storage: ExportStorage; serverTime: number | null }> {
    const what = `read ${type} storage ${id}`;
    const { body, date } = await this.dated('GET', `api/storages/export/${checkedType(type)}/${checkedId(id)}`, what);
    return { storage: parseExportStorage(body, what), serverTime: date };
  }

  /** Triggers a sync; the answer is the storage as it stands right after (usually `queued`). */
  async triggerExportSync(type: StorageType, id: number): Promise<ExportStorage> {
    const what = `sync ${type} storage ${id}`;
    return parseExportStorage(await this.call('POST', `api/storages/export/${checkedType(type)}/${checkedId(id)}/sync`, what), what);
  }

  /** A project's export storages, of one type or (without `type`) of all types. */
  async listExportStorages(project: number, type?: StorageType): Promise<ExportStorage[]> {
    const what = `list ${type ?? 'all'} export storages of project ${project}`;
    const path = type
      ? `api/storages/export/${checkedType(type)}?project=${checkedId(project)}`
      : `api/storages/export?project=${checkedId(project)}`;
    const body = await this.call('GET', path, what);
    if (!Array.isArray(body)) throw this.error('bad_response', what, 'the answer is not a JSON list');
    return body.map((item: unknown) => {
      const storage = parseExportStorage(item, what);
      // The per-type list omits `type` on some versions; the route says what it is.
      return type && typeof storage.type !== 'string' ? { ...storage, type } : storage;
    });
  }

  /** A read only a valid key is answered: the user the key belongs to. Throws the LabelStudioError of a failed check. */
  async checkAccess(): Promise<void> {
    const what = 'check the connection';
    const body = await this.call('GET', 'api/current-user/whoami', what);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw this.error('bad_response', what, 'the answer is not a user');
  }

  /** The project's annotation counters: what the pipeline's reconciliation compares between batches. */
  async getProjectCounters(project: number): Promise<ProjectCounters> {
    const what = `read project ${project}`;
    const counters = parseProjectCounters(await this.call('GET', `api/projects/${checkedId(project)}/`, what));
    if (typeof counters === 'string') throw this.error('bad_response', what, counters);
    return counters;
  }

  /** One page (from 1) of the project's tasks with their annotations' ids: what an export writes, key by key. */
  async getTaskPage(project: number, page: number, pageSize: number): Promise<TaskPage> {
    const what = `list tasks of project ${project} (page ${page})`;
    const query = `project=${checkedId(project)}&fields=all&resolve_uri=false&page=${checkedId(page)}&page_size=${checkedId(pageSize)}`;
    const parsed = parseTaskPage(await this.call('GET', `api/tasks/?${query}`, what));
    if (typeof parsed === 'string') throw this.error('bad_response', what, parsed);
    return parsed;
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private async call(method: Method, path: string, what: string): Promise<unknown> {
    return (await this.dated(method, path, what)).body;
  }

  /** A call's body, with the answer's HTTP Date: Label Studio's clock, which its own timestamps follow. */
  private async dated(method: Method, path: string, what: string, retriedAuth = false): Promise<{ body: unknown; date: number | null }> {
    const authorization = await this.auth.header();
    const answer = await this.send(method === 'GET' ? 'read' : 'response', method, path, what, { authorization });
    if (answer.status === 401 && !retriedAuth && (await this.auth.renewAfterUnauthorized())) {
      return this.dated(method, path, what, true);
    }
    return { body: this.interpret(answer, what), date: httpDate(answer.headers.date) };
  }

  private async send(wait: Wait, method: Method, path: string, what: string, headers: Record<string, string>, body?: string) {
    const ended = this.observe?.({ connection: this.connectionName, method, route: routeOf(path) });
    const timeoutMs = wait === 'read' ? this.readTimeoutMs : this.responseTimeoutMs;
    // One deadline for the whole request, connect to last byte: undici's own timers restart with every
    // chunk, so an answer trickling in a byte at a time would never trip them (they are off here).
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = this.signal ? AbortSignal.any([deadline, this.signal]) : deadline;
    let answered = false;
    try {
      const res = await request(new URL(path, this.base), {
        method,
        dispatcher: this.dispatcher,
        signal,
        headersTimeout: 0,
        bodyTimeout: 0,
        headers: { accept: 'application/json', ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        body,
      });
      answered = true;
      const text = await readAtMost(res, this.maxResponseBytes);
      if (text === undefined) {
        throw this.error('response_too_large', what, `the answer is larger than ${this.maxResponseBytes} bytes (raise the connection's maxResponseBytes, LABEL_STUDIO_MAX_RESPONSE_BYTES on a worker)`);
      }
      ended?.({ status: res.statusCode });
      return { status: res.statusCode, headers: res.headers, text };
    } catch (err) {
      // The caller's abort is no Label Studio fault: it rejects with the caller's reason, as fetch does.
      if (signal.aborted && signal.reason !== deadline.reason) {
        ended?.({ error: 'cancelled' });
        throw signal.reason;
      }
      const error = signal.aborted
        ? this.error('timeout', what, `${answered ? 'the answer did not end' : 'no answer'} within the ${wait} timeout (${timeoutMs} ms)`)
        : this.transportError(err, what);
      ended?.({ error: error.kind });
      throw error;
    }
  }

  private interpret(answer: { status: number; headers: Dispatcher.ResponseData['headers']; text: string }, what: string): unknown {
    const json = parseJson(answer.text);
    if (answer.status >= 200 && answer.status < 300) {
      if (json === undefined) {
        // Announced as JSON: broken on the way, and the next answer may be whole. Anything else is not Label Studio.
        const kind = /json/i.test(String(answer.headers['content-type'] ?? '')) ? 'broken_response' : 'bad_response';
        throw this.error(kind, what, `HTTP ${answer.status} with a body that is not JSON`);
      }
      return json;
    }
    const detail = errorDetail(json, answer.text);
    const kind = kindForStatus(answer.status, detail) ?? 'bad_response';
    const hint = kind === 'unauthorized' ? ' (Label Studio refused the API key: check the key configured for this connection)' : '';
    throw new LabelStudioError(
      kind,
      `Label Studio [${this.connectionName}] ${what}: HTTP ${answer.status}${detail ? `: ${detail}` : ''}${hint}`,
      answer.status,
      detail,
      parseRetryAfter(answer.headers['retry-after']),
      isLabelStudioErrorBody(json, answer.status),
    );
  }

  private async exchangeRefreshToken(refresh: string): Promise<string> {
    const what = 'exchange the personal access token for an access token';
    const answer = await this.send('read', 'POST', 'api/token/refresh/', what, {}, JSON.stringify({ refresh }));
    let body: unknown;
    try {
      body = this.interpret(answer, what);
    } catch (err) {
      if (!(err instanceof LabelStudioError && err.kind === 'unauthorized')) throw err;
      throw new LabelStudioError(
        'unauthorized',
        `Label Studio [${this.connectionName}] refused the personal access token (HTTP 401${err.detail ? `: ${err.detail}` : ''}): create a new one on the Account page`,
        401,
        err.detail,
        undefined,
        err.fromLabelStudio,
      );
    }
    const access = (body as { access?: unknown } | undefined)?.access;
    if (typeof access !== 'string') throw this.error('bad_response', what, 'no "access" token in the answer');
    return access;
  }

  private error(kind: LabelStudioErrorKind, what: string, why: string): LabelStudioError {
    return new LabelStudioError(kind, `Label Studio [${this.connectionName}] ${what}: ${why}`);
  }

  /** Keeps only the error code: undici's messages carry the host and port, which stay out of history. */
  private transportError(err: unknown, what: string): LabelStudioError {
    if (err instanceof LabelStudioError) return err;
    const code = (err as { code?: unknown }).code;
    const label = typeof code === 'string' ? code : 'unknown network error';
    if (label === 'UND_ERR_CONNECT_TIMEOUT') return this.error('timeout', what, `connect timeout (${label})`);
    return this.error('connection', what, `cannot reach Label Studio (${label})`);
  }
}

function checkedType(type: string): StorageType {
  if (!isStorageType(type)) {
    throw new LabelStudioError(
      'unknown_storage_type',
      `unknown export storage type ${JSON.stringify(type)}: use one of ${STORAGE_TYPES.join(', ')}`,
    );
  }
  return type;
}

function checkedId(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new LabelStudioError('validation', `invalid id ${JSON.stringify(id)}: a positive integer is required`);
  }
  return id;
}

/**
 * The answer's body as text, or undefined once it is (or says it will be) longer than `limit` bytes:
 * the body is then destroyed unread, which closes the connection.
 */
async function readAtMost(res: Dispatcher.ResponseData, limit: number): Promise<string | undefined> {
  if (Number(res.headers['content-length']) > limit) {
    res.body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function httpDate(header: string | string[] | undefined): number | null {
  const ms = typeof header === 'string' ? Date.parse(header) : Number.NaN;
  return Number.isFinite(ms) ? ms : null;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Label Studio's own error answers: custom_exception_handler's body (its `status_code` repeats the HTTP
 * status) or the sync view's 400 `{message}`. A proxy's page, or a gateway's JSON (`{"message": ...}` on a
 * 504), is not one: the request may still have reached Label Studio, or may still reach it.
 */
function isLabelStudioErrorBody(json: unknown, status: number): boolean {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return false;
  const record = json as Record<string, unknown>;
  if (record.status_code === status && typeof record.detail === 'string') return true;
  return status === 400 && typeof record.message === 'string';
}

/** Label Studio's errors carry `detail`; "not synchronizable" carries `message`; proxies send text. */
function errorDetail(json: unknown, text: string): string | undefined {
  if (json && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    const detail = record.detail ?? record.message;
    const validation = record.validation_errors ? ` ${JSON.stringify(record.validation_errors)}` : '';
    if (typeof detail === 'string') return `${detail}${validation}`;
  }
  const plain = text.replace(/<head>[\s\S]*<\/head>/i, ' ').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain ? plain.slice(0, 200) : undefined;
}

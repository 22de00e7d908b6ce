// Injected network and server faults, queued and consumed by the first matching requests.
import { ApiError } from './errors';
import { apiError, html, type SimResponse } from './response';

export type Fault = {
  /** method compares case-insensitively; a string path equals the path with or without its query; a RegExp is tested against the path with its query. */
  match?: { method?: string; path?: RegExp | string };
  /** how many matching requests it hits (default 1) */
  times?: number;
} & (
  | { kind: 'status'; status: 429 | 500 | 502 | 503 | 504; retryAfter?: string; detail?: string }
  | { kind: 'reset' }
  /** Label Studio runs the request, then its answer waits this long. */
  | { kind: 'delay'; ms: number }
  /** The request reaches Label Studio only after this long (a busy proxy or server queue), then runs. */
  | { kind: 'hold'; ms: number }
  /** Label Studio runs the request; its answer never arrives (the connection drops). */
  | { kind: 'lose-response' }
  /**
   * A gateway in front answers its own HTML error page after `answerAfterMs`; the request reaches Label
   * Studio after `reachAfterMs` (never, when omitted) and runs there, whatever the client was told.
   */
  | { kind: 'gateway'; status: 502 | 503 | 504; answerAfterMs: number; reachAfterMs?: number }
  /** Label Studio runs the request, then the client gets an error: 500 as Label Studio's JSON error, 502-504 as the gateway's page. */
  | { kind: 'error-after-run'; status: 500 | 502 | 503 | 504 }
  /** Label Studio runs the request; its answer announces the whole Content-Length, and the connection closes halfway through the body. */
  | { kind: 'truncate-response' }
  /** Label Studio runs the request; the answer is a complete 200 whose body is cut JSON text. */
  | { kind: 'garble-response' }
);

type StatusFault = Extract<Fault, { kind: 'status' }>;
type GatewayStatus = Extract<Fault, { kind: 'gateway' }>['status'];

const REASONS: Record<StatusFault['status'], string> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

export class FaultQueue {
  private readonly queue: Array<{ fault: Fault; left: number }> = [];

  add(fault: Fault): void {
    this.queue.push({ fault, left: fault.times ?? 1 });
  }

  /** The first queued fault for this request, with one use consumed. */
  take(method: string, target: string): Fault | undefined {
    const index = this.queue.findIndex(({ fault }) => matches(fault, method, target));
    const entry = this.queue[index];
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.queue.splice(index, 1);
    return entry.fault;
  }
}

/**
 * The kinds a random fault is drawn from; `late-answer` and `held` go past the client's response timeout.
 * `gateway-timeout` answers within it, and Label Studio gets the request within it or never.
 */
export const RANDOM_FAULT_KINDS = [
  'server-error',
  'throttled',
  'reset',
  'late-answer',
  'held',
  'lost-answer',
  'gateway-timeout',
  'error-after-run',
  'truncated',
  'garbled',
] as const;
export type RandomFaultKind = (typeof RANDOM_FAULT_KINDS)[number];

export interface RandomFaultOptions {
  /** Share of matching requests that get a fault, from 0 to 1. */
  rate: number;
  /** Same seed, same sequence of draws. */
  seed: number;
  /** Relative weight of each kind; default every kind weighs 1. */
  mix?: Partial<Record<RandomFaultKind, number>>;
  /** The client's response timeout: late answers and held requests go up to half of it past. */
  responseTimeoutMs: number;
  match?: Fault['match'];
}

/** Draws faults for a share of requests from a seeded generator: chaos that a seed reproduces. */
export class RandomFaults {
  private readonly random: () => number;
  private readonly kinds: Array<[RandomFaultKind, number]>;
  private readonly total: number;
  /** How many faults of each kind were drawn. */
  readonly drawn: Record<RandomFaultKind, number> = Object.fromEntries(RANDOM_FAULT_KINDS.map((k) => [k, 0])) as Record<RandomFaultKind, number>;

  constructor(private readonly options: RandomFaultOptions) {
    if (!(options.rate >= 0 && options.rate <= 1)) throw new Error(`fault rate must be from 0 to 1 (got ${options.rate})`);
    this.random = mulberry32(options.seed);
    this.kinds = RANDOM_FAULT_KINDS.map((k) => [k, options.mix?.[k] ?? 1]);
    this.total = this.kinds.reduce((sum, [, w]) => sum + w, 0);
  }

  next(method: string, target: string): Fault | undefined {
    if (!matches({ kind: 'reset', match: this.options.match }, method, target)) return undefined;
    if (this.random() >= this.options.rate) return undefined;
    let pick = this.random() * this.total;
    const [kind] = this.kinds.find(([, w]) => (pick -= w) < 0) ?? this.kinds[this.kinds.length - 1]!;
    this.drawn[kind] += 1;
    return this.fault(kind);
  }

  private fault(kind: RandomFaultKind): Fault {
    const past = () => Math.round(this.options.responseTimeoutMs * (1 + 0.05 + 0.45 * this.random()));
    switch (kind) {
      case 'server-error':
        return { kind: 'status', status: ([500, 502, 503] as const)[Math.floor(this.random() * 3)]! };
      case 'throttled':
        return { kind: 'status', status: 429, retryAfter: String(1 + Math.floor(this.random() * 2)) };
      case 'reset':
        return { kind: 'reset' };
      case 'late-answer':
        return { kind: 'delay', ms: past() };
      case 'held':
        return { kind: 'hold', ms: past() };
      case 'lost-answer':
        return { kind: 'lose-response' };
      case 'gateway-timeout': {
        const answerAfterMs = Math.round(this.options.responseTimeoutMs * (0.05 + 0.45 * this.random()));
        const reaches = this.random() < 2 / 3;
        const reachAfterMs = Math.round(this.options.responseTimeoutMs * this.random());
        return { kind: 'gateway', status: 504, answerAfterMs, ...(reaches && { reachAfterMs }) };
      }
      case 'error-after-run':
        return { kind: 'error-after-run', status: ([500, 502, 503, 504] as const)[Math.floor(this.random() * 4)]! };
      case 'truncated':
        return { kind: 'truncate-response' };
      case 'garbled':
        return { kind: 'garble-response' };
    }
  }
}

/** A small seeded generator (mulberry32): uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function matches(fault: Fault, method: string, target: string): boolean {
  const want = fault.match;
  if (want?.method && want.method.toUpperCase() !== method.toUpperCase()) return false;
  if (want?.path === undefined) return true;
  if (typeof want.path === 'string') return want.path === target || want.path === target.split('?')[0];
  want.path.lastIndex = 0; // a /g or /y RegExp would otherwise remember its last match
  return want.path.test(target);
}

/**
 * The answer to a `status` fault. 429 and 500 come from Label Studio itself, in its error shape (429 with DRF's
 * throttling detail). 502/503/504 come from the reverse proxy in front of it: nginx's HTML page, unless a
 * `detail` is given, which makes it a Label Studio JSON error instead. `retryAfter` sets Retry-After on any.
 */
export function faultResponse(fault: StatusFault): SimResponse {
  const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter };
  if (fault.status !== 429 && fault.status !== 500 && fault.detail === undefined) {
    const response = gatewayPage(fault.status);
    return { ...response, headers: { ...response.headers, ...headers } };
  }
  return apiError(new ApiError(fault.status, fault.detail ?? defaultDetail(fault), undefined, headers));
}

/** The page of the gateway in front of Label Studio (nginx's). */
export function gatewayPage(status: GatewayStatus): SimResponse {
  return html(status, nginxPage(`${status} ${REASONS[status]}`));
}

function defaultDetail(fault: StatusFault): string {
  if (fault.status !== 429) return 'Unknown error'; // custom_exception_handler's default detail
  const wait = Number(fault.retryAfter);
  if (fault.retryAfter === undefined || !Number.isInteger(wait)) return 'Request was throttled.';
  return `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`;
}

function nginxPage(title: string): string {
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

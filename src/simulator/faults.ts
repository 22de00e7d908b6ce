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
  | { kind: 'delay'; ms: number }
  | { kind: 'lose-response' }
);

type StatusFault = Extract<Fault, { kind: 'status' }>;

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
  if (fault.status >= 502 && fault.detail === undefined) {
    const response = html(fault.status, nginxPage(`${fault.status} ${REASONS[fault.status]}`));
    return { ...response, headers: { ...response.headers, ...headers } };
  }
  return apiError(new ApiError(fault.status, fault.detail ?? defaultDetail(fault), undefined, headers));
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

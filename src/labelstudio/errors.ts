/**
 * Every failure of a Label Studio call becomes one of these. `permanent` decides retrying:
 * a permanent error will answer the same way next time, a transient one may not.
 * Messages name the connection, the operation, the HTTP status and Label Studio's `detail`;
 * never the base URL or the key, because messages end up in workflow history.
 */
export type LabelStudioErrorKind =
  | 'validation' // 400
  | 'not_synchronizable' // 400 "Storage N is not synchronizable"
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'unknown_storage_type'
  | 'bad_response' // not the JSON we expect
  | 'broken_response' // a 2xx announced as JSON whose body does not parse: cut or garbled on the way
  | 'rate_limited' // 429
  | 'server_error' // 500, 502, 503, 504
  | 'connection' // refused, reset, DNS
  | 'timeout'; // connect or response timeout

const PERMANENT_KINDS: ReadonlySet<LabelStudioErrorKind> = new Set([
  'validation',
  'not_synchronizable',
  'unauthorized',
  'forbidden',
  'not_found',
  'unknown_storage_type',
  'bad_response',
]);

export class LabelStudioError extends Error {
  override readonly name = 'LabelStudioError';
  readonly permanent: boolean;

  constructor(
    readonly kind: LabelStudioErrorKind,
    message: string,
    readonly httpStatus?: number,
    readonly detail?: string,
    /** Milliseconds Label Studio (or a proxy) asked us to wait, from Retry-After. */
    readonly retryAfterMs?: number,
    /** The answer was Label Studio's own JSON error body, so Label Studio itself had finished with the request. */
    readonly fromLabelStudio = false,
  ) {
    super(message);
    this.permanent = PERMANENT_KINDS.has(kind);
  }
}

export function kindForStatus(status: number, detail: string | undefined): LabelStudioErrorKind | undefined {
  if (status === 400) return /not synchronizable/i.test(detail ?? '') ? 'not_synchronizable' : 'validation';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'validation';
  return undefined;
}

/**
 * What a failed request may have done in Label Studio, which decides whether sending it again is safe:
 * - `refused`: nothing. Label Studio's own refusal (a 4xx with its JSON error body), a 429 (throttling
 *   refuses before anything runs), or a request refused before it was sent (a bad id or type).
 * - `finished`: Label Studio answered it with its JSON error (a 5xx): it is done with the request, but may
 *   have changed something before failing; a read from now on shows what.
 * - `unknown`: anything else (a proxy's page of any status, a 2xx that does not parse, a reset, a
 *   timeout): the request may still be on its way and run later.
 */
export type RequestFate = 'refused' | 'finished' | 'unknown';

export function requestFate(err: LabelStudioError): RequestFate {
  if (err.kind === 'rate_limited') return 'refused';
  if (err.httpStatus === undefined) return NOT_SENT_KINDS.has(err.kind) ? 'refused' : 'unknown';
  if (!err.fromLabelStudio) return 'unknown';
  return err.httpStatus < 500 ? 'refused' : 'finished';
}

/** Kinds that, without an HTTP status, come from checking the request before it is sent. */
const NOT_SENT_KINDS: ReadonlySet<LabelStudioErrorKind> = new Set(['validation', 'unknown_storage_type']);

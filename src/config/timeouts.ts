/** Upper bounds of the Label Studio timeouts: beyond them a hung connection would hold an activity for hours. */
export const MAX_CONNECT_TIMEOUT_MS = 10 * 60_000;
export const MAX_RESPONSE_TIMEOUT_MS = 60 * 60_000;
export const MAX_READ_TIMEOUT_MS = 10 * 60_000;

/** Community runs the whole export inside the sync POST: its answer may take minutes. */
export const DEFAULT_RESPONSE_TIMEOUT_MS = 300_000;

/**
 * Reads (GETs, the token exchange) answer at once on every edition: a read that hangs is retried
 * after this long, not after the POST's minutes. Never above the response timeout when not given.
 */
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

/** The read timeout of a connection that did not set one. */
export function defaultReadTimeoutMs(responseTimeoutMs: number): number {
  return Math.min(DEFAULT_READ_TIMEOUT_MS, responseTimeoutMs);
}

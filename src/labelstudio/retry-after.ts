/** The longest wait a Retry-After may ask for: a proxy's `Retry-After: 86400` must not park an activity for a day. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Parses a Retry-After header (delta-seconds or HTTP-date) into milliseconds from `now`, at most MAX_RETRY_AFTER_MS. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

import type { ResolvedBackoff } from '../schema/sync-input';

/** Delay before retry number `n` (1-based): initial × coefficient^(n-1), capped. */
export function backoffDelay(backoff: ResolvedBackoff, n: number): number {
  return Math.min(backoff.initialMs * backoff.coefficient ** (n - 1), backoff.maxMs);
}

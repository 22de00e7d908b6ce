// Checks a poller would have made while the simulator's clock skipped ahead. Every strategy runs on its
// own fixed schedule there (the sync's end is far), so they are counted from that schedule, not measured.

export type Schedule =
  | { kind: 'every'; ms: number }
  /** A backoff that had made `done` checks when the skip began. */
  | { kind: 'backoff'; initialMs: number; coefficient: number; maxMs: number; done: number };

export function checksInSpan(schedule: Schedule, spanMs: number): number {
  if (schedule.kind === 'every') return Math.floor(spanMs / schedule.ms);
  let n = 0;
  let at = 0;
  for (let k = schedule.done; ; k++) {
    at += Math.min(schedule.initialMs * schedule.coefficient ** k, schedule.maxMs);
    if (at > spanMs) return n;
    n += 1;
  }
}

// Places the poll's checks around a running sync's expected end. Pure: the poll activity feeds it what
// Label Studio reported and the state its previous check left, and sets the delay it returns as the
// next retry's delay. The poll cap bounds every delay, so a failure still shows within the cap.
import type { StorageSnapshot } from './types';

/** What an expected end was estimated from. */
export type EtaBasis = 'progress' | 'previous-duration';

/** What set a check's delay: an estimate, or the plain backoff when there was nothing (trustworthy) to go on. */
export type CheckBasis = EtaBasis | 'backoff';

export interface Estimate {
  basis: EtaBasis;
  /** Expected end, epoch ms. */
  end: number;
}

export interface PollBackoff {
  initialMs: number;
  coefficient: number;
  maxMs: number;
}

/** Carried from one check to the next (in the poll's heartbeat details). */
export interface EtaState {
  /** Backoff delays used so far: the fallback continues the backoff rather than restarting it. */
  backoffSteps: number;
  /** The estimate the last delay was placed by, if any. */
  estimate: Estimate | null;
  /** Set once an estimate went by without the sync ending. */
  missed: boolean;
  checksBy: Record<CheckBasis, number>;
}

/** The server floors retry intervals at about 1 s; asking for less only costs precision in the report. */
export const CHECK_FLOOR_MS = 1_000;
/** How long past an expected end the poll keeps checking at the floor before it calls the estimate wrong. */
export const OVERDUE_GRACE_MS = 5_000;
/** Too little progress makes the rate noise (a 6 h sync's first ping shows a handful of annotations). */
export const MIN_PROGRESS_FRACTION = 0.01;

export function initialEtaState(): EtaState {
  return { backoffSteps: 0, estimate: null, missed: false, checksBy: { progress: 0, 'previous-duration': 0, backoff: 0 } };
}

/** Epoch ms of a Label Studio timestamp (`str(timezone.now())` in meta, ISO 8601 elsewhere); null when absent or unreadable. */
export function parseLabelStudioTime(text: string | null): number | null {
  if (!text) return null;
  const ms = Date.parse(text.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The expected end of the running sync: from its own progress rate once it has done enough to measure
 * (count of total since time_in_progress, as of the last ping), else from the previous sync's duration.
 */
export function estimateEnd(snapshot: StorageSnapshot, previousDurationMs: number | null): Estimate | null {
  if (snapshot.status !== 'in_progress') return null;
  const started = parseLabelStudioTime(snapshot.timeInProgress);
  if (started === null) return null;
  const pinged = parseLabelStudioTime(snapshot.timeLastPing);
  const done = snapshot.lastSyncCount ?? 0;
  const total = snapshot.totalAnnotations ?? 0;
  if (pinged !== null && pinged > started && total > 0 && done / total >= MIN_PROGRESS_FRACTION) {
    return { basis: 'progress', end: started + ((pinged - started) * Math.max(total, done)) / done };
  }
  if (previousDurationMs !== null && previousDurationMs > 0) return { basis: 'previous-duration', end: started + previousDurationMs };
  return null;
}

/**
 * The delay before the next check. Far from the expected end: the cap. Closer: half the time left, so
 * checks land just before the end and at it, down to the floor; past it, the floor for a grace period.
 * With no estimate, or once one went by by more than the grace, today's backoff.
 */
export function nextCheck(state: EtaState, estimate: Estimate | null, now: number, poll: PollBackoff): { delayMs: number; state: EtaState } {
  const floor = Math.min(CHECK_FLOOR_MS, poll.maxMs);
  const left = estimate ? estimate.end - now : -Infinity;
  if (estimate && left > -OVERDUE_GRACE_MS) {
    const delayMs = left <= 2 * floor ? floor : Math.min(poll.maxMs, Math.max(floor, left / 2));
    return { delayMs, state: counted({ ...state, estimate }, estimate.basis) };
  }
  const delayMs = Math.min(poll.initialMs * poll.coefficient ** state.backoffSteps, poll.maxMs);
  const missed = state.missed || estimate !== null;
  return { delayMs, state: counted({ ...state, estimate: null, missed, backoffSteps: state.backoffSteps + 1 }, 'backoff') };
}

function counted(state: EtaState, basis: CheckBasis): EtaState {
  return { ...state, checksBy: { ...state.checksBy, [basis]: state.checksBy[basis] + 1 } };
}

/** What the poll's report says about its checks once the sync has ended. */
export interface EtaReport {
  /** What placed the last check before the end was seen. */
  basis: CheckBasis;
  /** The expected end that check was placed by (ISO 8601), null under backoff. */
  expectedEnd: string | null;
  /** The end Label Studio recorded (time_completed or time_failure). */
  actualEnd: string | null;
  /** actualEnd − expectedEnd: positive when the sync ended later than estimated. */
  offByMs: number | null;
  /** An estimate went by without the sync ending, so the backoff took over for a while. */
  missed: boolean;
  checksBy: Record<CheckBasis, number>;
}

export function etaReport(state: EtaState, ended: StorageSnapshot): EtaReport {
  const actual = parseLabelStudioTime(ended.timeCompleted ?? ended.timeFailure);
  const expected = state.estimate?.end ?? null;
  return {
    basis: state.estimate?.basis ?? 'backoff',
    expectedEnd: expected === null ? null : new Date(expected).toISOString(),
    actualEnd: actual === null ? null : new Date(actual).toISOString(),
    offByMs: expected === null || actual === null ? null : Math.round(actual - expected),
    missed: state.missed,
    checksBy: state.checksBy,
  };
}

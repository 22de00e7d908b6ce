import { ActivityFailure, TimeoutFailure } from '@temporalio/workflow';

/**
 * An activity stopped by its schedule-to-close timeout. The server reports it either as a
 * TimeoutFailure or, when the next retry would not fit, as the last failure with retry state
 * TIMEOUT: both mean the time ran out, not that the activity failed for good. A heartbeat or
 * start-to-close timeout of a last try is no such thing: its worker died, the time did not run out.
 */
export function ranOutOfTime(err: ActivityFailure): boolean {
  return (err.cause instanceof TimeoutFailure && err.cause.timeoutType === 'SCHEDULE_TO_CLOSE') || err.retryState === 'TIMEOUT';
}

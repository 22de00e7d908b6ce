import { ActivityFailure, TimeoutFailure } from '@temporalio/workflow';

/**
 * An activity stopped by its schedule-to-close timeout. The server reports it either as a
 * TimeoutFailure or, when the next retry would not fit, as the last failure with retry state
 * TIMEOUT: both mean the time ran out, not that the activity failed for good.
 */
export function ranOutOfTime(err: ActivityFailure): boolean {
  return err.cause instanceof TimeoutFailure || err.retryState === 'TIMEOUT';
}

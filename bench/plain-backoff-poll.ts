import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AwaitSyncEndInput, AwaitSyncEndResult } from '../src/activities/types';
import { FailureType } from '../src/failure-types';

type AwaitSyncEnd = (input: AwaitSyncEndInput) => Promise<AwaitSyncEndResult>;

/**
 * The poll as it was before ETA polling, for the bench's baselines: each check is retried after the
 * policy's plain backoff (`poll.initial` × `poll.coefficient`^n up to `poll.max`). The workflow's retry
 * policy no longer spaces checks (it only covers crash recovery, 4 s at most), so the baseline sets the
 * delay itself, as the activity does with its estimates.
 */
export function plainBackoffPoll(awaitSyncEnd: AwaitSyncEnd): AwaitSyncEnd {
  return async (input) => {
    try {
      return await awaitSyncEnd({ ...input, poll: undefined });
    } catch (err) {
      if (!(err instanceof ApplicationFailure) || err.type !== FailureType.SyncStillRunning || !input.poll) throw err;
      const { initialMs, coefficient, maxMs } = input.poll;
      const delayMs = Math.min(maxMs, initialMs * coefficient ** (activityInfo().attempt - 1));
      throw ApplicationFailure.create({ type: err.type, message: err.message, category: 'BENIGN', details: err.details ? [...err.details] : [], nextRetryDelay: delayMs });
    }
  };
}

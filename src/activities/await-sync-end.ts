import { activityInfo, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../failure-types';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { isTerminal } from '../labelstudio/storage-types';
import { heartbeatWhile } from './heartbeat-while';
import { resolveClient } from './resolve-client';
import { toSnapshot } from './snapshot';
import { formatDuration, nextProgressMark } from './stall-tracker';
import { asActivity } from './to-failure';
import type { AwaitSyncEndInput, EndedSnapshot, PollHeartbeat } from './types';

/**
 * Checks the storage once. While the sync runs it throws a benign, retryable failure, so the
 * activity's retry policy is the poll schedule: history does not grow with the wait and no worker
 * slot is held between polls.
 */
export function createAwaitSyncEnd(registry: LabelStudioClientRegistry, now: () => number = Date.now) {
  return async function awaitSyncEnd({ ref, syncAttempt, stallTimeoutMs }: AwaitSyncEndInput): Promise<EndedSnapshot> {
    const client = resolveClient(registry, ref.connection);
    const previous = activityInfo().heartbeatDetails as PollHeartbeat | undefined;
    const snapshot = toSnapshot(await heartbeatWhile(() => asActivity(() => client.getExportStorage(ref.type, ref.id)), previous));
    // A terminal status left by an older sync does not count: wait until ours shows.
    if (isTerminal(snapshot.status) && snapshot.attempts >= syncAttempt) return { ...snapshot, status: snapshot.status };

    const at = now();
    const mark = nextProgressMark(previous, snapshot, at);
    const still = at - mark.since;
    if (still >= stallTimeoutMs) {
      throw ApplicationFailure.create({
        type: FailureType.SyncStalled,
        nonRetryable: true,
        message:
          `sync of ${ref.type} storage ${ref.id} stalled: ${snapshot.status} with no progress for ${formatDuration(still)} ` +
          `(stall timeout ${formatDuration(stallTimeoutMs)}); Label Studio may have no worker for its queue`,
        details: [snapshot],
      });
    }
    // The snapshot rides along in both: when the overall timeout ends the poll, the workflow gets the
    // last failure or (while a try was running) the last heartbeat, and its report shows the last poll.
    heartbeat({ ...mark, snapshot } satisfies PollHeartbeat);
    throw ApplicationFailure.create({
      type: FailureType.SyncStillRunning,
      message: `sync of ${ref.type} storage ${ref.id} is ${snapshot.status}`,
      category: 'BENIGN',
      details: [snapshot],
    });
  };
}

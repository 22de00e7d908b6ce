import { activityInfo, Context, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { SyncWorkflowError, toSyncWorkflowError } from '../client/sync-failure';
import { FailureType } from '../failure-types';
import type { syncExportStorage } from '../workflows/sync-export-storage';
import type { AwaitSyncWorkflowInput, JoinedSyncOutcome } from './fan-out-types';

/** Carried in heartbeat details so every retry waits for the run first seen, not a later one. */
interface PinnedRun {
  runId: string;
}

/**
 * Waits for a sync workflow this caller did not start (a child start found its id taken), with the
 * worker's own Temporal client. Like awaitSyncEnd it checks once and throws a benign retryable
 * failure while the workflow runs, so the retry policy is the poll schedule and no slot is held.
 */
export async function awaitSyncWorkflow({ workflowId }: AwaitSyncWorkflowInput): Promise<JoinedSyncOutcome> {
  const pinned = activityInfo().heartbeatDetails as PinnedRun | undefined;
  const handle = Context.current().client.workflow.getHandle<typeof syncExportStorage>(workflowId, pinned?.runId);
  const { runId, status } = await handle.describe();
  if (status.name === 'RUNNING') {
    heartbeat({ runId } satisfies PinnedRun);
    throw ApplicationFailure.create({
      type: FailureType.SyncStillRunning,
      message: `sync workflow ${workflowId} is still running`,
      category: 'BENIGN',
    });
  }
  try {
    return { ok: true, report: await handle.result() };
  } catch (err) {
    const failure = await toSyncWorkflowError(err, handle);
    if (!(failure instanceof SyncWorkflowError)) throw failure;
    return { ok: false, failureType: failure.failureType ?? null, message: failure.message, report: failure.report ?? null };
  }
}

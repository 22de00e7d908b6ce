import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  TerminatedFailure,
  TimeoutFailure,
  isCancellation,
  proxyActivities,
  startChild,
} from '@temporalio/workflow';
import type { Activities, StorageSummary } from '../activities';
import { FailureType } from '../failure-types';
import type { StorageSyncEntry } from './project-sync-report';
import type { ResolvedProjectSyncInput } from '../schema/project-sync-input';
import { syncExportStorage } from './sync-export-storage';
import type { SyncReport } from './sync-report';
import { ranOutOfTime } from './ran-out-of-time';
import { syncWorkflowId } from './workflow-ids';
import { inputCheckedMemo } from './input-checked-memo';
import { taskPriority } from './task-priority';
import { LINEAGE_PARENT_MEMO } from './run-lineage';
import { projectJobName } from '../lineage/run-event';

type Base = Pick<StorageSyncEntry, 'storage' | 'workflowId'>;

/**
 * Syncs one storage as a child under the storage's own workflow id. When that id is taken (a sync
 * of the storage started elsewhere is running) it waits for that workflow instead of doubling it:
 * 1.24 has no id-conflict policy for children, so an activity awaits it with the worker's client.
 * Never throws for a storage's failure: it becomes the entry's result.
 */
export async function syncStorageAsChild(
  cfg: ResolvedProjectSyncInput,
  storage: StorageSummary,
  searchAttributes: SearchAttributePair[] | undefined,
  onStarted: (workflowId: string) => void,
): Promise<StorageSyncEntry> {
  const workflowId = syncWorkflowId(cfg.connection, storage.type, storage.id);
  const base: Base = { storage: { type: storage.type, id: storage.id, title: storage.title }, workflowId };
  if (!storage.synchronizable) return skipped(base, 'Label Studio marks this storage as not synchronizable');
  if (CancellationScope.current().consideredCancelled) return skipped(base, 'the project sync was cancelled before this storage started');
  let child;
  try {
    child = await startChild(syncExportStorage, {
      workflowId,
      args: [{ connection: cfg.connection, storageType: storage.type, storageId: storage.id, policy: cfg.policy }],
      // A fan-out that closes early (terminated, timed out) asks its syncs to stop: they close with a report, not killed.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      // The lineage job of this fan-out: a child that emits OpenLineage events names it as its parent's.
      memo: { ...inputCheckedMemo, [LINEAGE_PARENT_MEMO]: projectJobName(cfg.connection, cfg.project) },
      typedSearchAttributes: searchAttributes,
      priority: taskPriority(cfg.connection, cfg.priority),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      onStarted(workflowId);
      return joinRunning(cfg, base);
    }
    if (isCancellation(err)) return skipped(base, 'the project sync was cancelled before this storage started');
    return failed(base, false, errorOf(err), null);
  }
  onStarted(workflowId);
  try {
    return succeeded(base, false, await child.result());
  } catch (err) {
    return fromChildFailure(base, err);
  }
}

async function joinRunning(cfg: ResolvedProjectSyncInput, base: Base): Promise<StorageSyncEntry> {
  const { awaitSyncWorkflow } = proxyActivities<Activities>({
    startToCloseTimeout: '1m',
    scheduleToCloseTimeout: cfg.joinTimeoutMs,
    retry: {
      initialInterval: cfg.poll.initialMs,
      backoffCoefficient: cfg.poll.coefficient,
      maximumInterval: cfg.poll.maxMs, // no maximumAttempts: scheduleToCloseTimeout ends the wait
    },
  });
  try {
    const outcome = await awaitSyncWorkflow({ workflowId: base.workflowId });
    if (outcome.ok) return succeeded(base, true, outcome.report);
    return failed(base, true, { type: outcome.failureType, message: outcome.message }, outcome.report);
  } catch (err) {
    if (err instanceof ActivityFailure && ranOutOfTime(err)) {
      const message = `the sync workflow of this storage started elsewhere was still running after ${Math.round(cfg.joinTimeoutMs / 60_000)} min`;
      return failed(base, true, { type: FailureType.SyncTimedOut, message }, null);
    }
    return failed(base, true, errorOf(err), null);
  }
}

/** A failed sync carries its report in details[0]; a cancelled one keeps it in its own memo, out of reach here. */
function fromChildFailure(base: Base, err: unknown): StorageSyncEntry {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : undefined;
  const report = (cause instanceof ApplicationFailure ? cause.details?.[0] : undefined) as SyncReport | undefined;
  return failed(base, false, errorOf(err), report ?? null);
}

/** The innermost failure's type and message: what a reader needs, without the wrapping layers. */
function errorOf(err: unknown): { type: string | null; message: string } {
  const cause = err instanceof ChildWorkflowFailure || err instanceof ActivityFailure ? (err.cause ?? err) : err;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? null, message: cause.message };
  if (cause instanceof CancelledFailure) return { type: 'Cancelled', message: cause.message || 'cancelled' };
  if (cause instanceof TerminatedFailure) return { type: 'Terminated', message: cause.message || 'terminated' };
  if (cause instanceof TimeoutFailure) return { type: 'TimedOut', message: cause.message || 'timed out' };
  return { type: null, message: (cause as Error)?.message ?? String(cause) };
}

function succeeded(base: Base, joined: boolean, report: SyncReport): StorageSyncEntry {
  return { ...base, joined, result: 'succeeded', report, error: null };
}

function failed(base: Base, joined: boolean, error: StorageSyncEntry['error'], report: SyncReport | null): StorageSyncEntry {
  return { ...base, joined, result: 'failed', report, error };
}

function skipped(base: Base, message: string): StorageSyncEntry {
  return { ...base, joined: false, result: 'skipped', report: null, error: { type: 'Skipped', message } };
}

import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  proxyActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { FailureType } from '../failure-types';
import { ranOutOfTime } from './ran-out-of-time';
import { syncExportStorage } from './sync-export-storage';
import type { SyncExportStorageInput } from '../schema/sync-input';
import { syncInputDefaults } from './fill-defaults';
import { JOIN_MARGIN_MS } from './input-defaults';
import { resolveInput } from './resolve-input';
import type { SyncReport } from './sync-report';
import { syncWorkflowId } from './workflow-ids';
import { inputCheckedMemo } from './input-checked-memo';
import { declareVersioningBehavior } from './versioning-behavior';

/**
 * What a storage schedule runs. A schedule names its runs after itself, so the run starts the
 * storage's sync as a child under the storage's own workflow id, or, when a sync of the storage
 * started elsewhere is running, waits for that one: one sync per storage, scheduled or not.
 */
export async function scheduledStorageSync(input: SyncExportStorageInput): Promise<SyncReport> {
  const cfg = await resolveInput('syncExportStorage', input, syncInputDefaults);
  const workflowId = syncWorkflowId(cfg.connection, cfg.storageType, cfg.storageId);
  try {
    const child = await startChild(syncExportStorage, {
      workflowId,
      args: [input],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      memo: inputCheckedMemo,
      typedSearchAttributes: workflowInfo().typedSearchAttributes,
    });
    return await child.result();
  } catch (err) {
    if (err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure) throw err.cause;
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  const { awaitSyncWorkflow } = proxyActivities<Activities>({
    startToCloseTimeout: '1m',
    scheduleToCloseTimeout: cfg.timeoutMs + JOIN_MARGIN_MS,
    retry: { initialInterval: cfg.poll.initialMs, backoffCoefficient: cfg.poll.coefficient, maximumInterval: cfg.poll.maxMs },
  });
  try {
    const outcome = await awaitSyncWorkflow({ workflowId });
    if (outcome.ok) return outcome.report;
    throw ApplicationFailure.create({
      type: outcome.failureType ?? FailureType.SyncFailed,
      message: `joined sync workflow ${workflowId}: ${outcome.message}`,
      nonRetryable: true,
      details: [outcome.report],
    });
  } catch (err) {
    if (err instanceof ActivityFailure && ranOutOfTime(err)) {
      throw ApplicationFailure.create({
        type: FailureType.SyncTimedOut,
        message: `the sync workflow ${workflowId} started elsewhere was still running when this scheduled run gave up waiting`,
        nonRetryable: true,
      });
    }
    throw err;
  }
}
// Pinned like the sync it starts or waits for: it lives no longer than that sync.
declareVersioningBehavior(scheduledStorageSync, 'PINNED');

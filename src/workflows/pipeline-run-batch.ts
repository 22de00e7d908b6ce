import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ChildWorkflowFailure, ParentClosePolicy, executeChild, startChild, workflowInfo } from '@temporalio/workflow';
import type { PendingBatch } from './pipeline-batch';
import type { ResolvedPipelineInput } from '../schema/pipeline-input';
import type { BatchRecord, DownstreamInput } from './pipeline-types';
import { projectKey } from './project-ids';
import type { ProjectSyncReport } from './project-sync-report';
import { PROJECT_KEY } from './search-attributes';
import { syncProjectExports } from './sync-project-exports';
import { inputCheckedMemo } from './input-checked-memo';
import { SYNC_PRIORITY } from './task-priority';

/**
 * One batch: the project's export sync as a syncProjectExports child, then the downstream workflow
 * with the report. Child ids carry the run chain's first run id and the batch number, so they stay
 * unique across continue-as-new and a restarted pipeline never collides with an older one.
 * Never throws for a failed sync or downstream start: the record says what happened.
 */
export async function runBatch(cfg: ResolvedPipelineInput, batch: PendingBatch, number: number, tracked: boolean): Promise<BatchRecord> {
  const startedAt = new Date().toISOString();
  const info = workflowInfo();
  const suffix = `${info.firstExecutionRunId.slice(0, 8)}-${number}`;
  const syncWorkflowId = `${info.workflowId}/sync/${suffix}`;
  const reconciled = batch.reconciled === true;
  const base = { number, events: batch.events, annotations: batch.annotations, actions: batch.actions, reconciled, syncWorkflowId, startedAt };

  let report: ProjectSyncReport;
  try {
    report = await executeChild(syncProjectExports, {
      workflowId: syncWorkflowId,
      // failOn none: a partly failed sync still returns its report, and the pipeline decides. Someone
      // waits for what follows the sync, so its storage syncs run ahead of batch work.
      args: [{ ...cfg.sync, connection: cfg.connection, project: cfg.project, failOn: 'none', priority: cfg.sync.priority ?? SYNC_PRIORITY.interactive }],
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      memo: inputCheckedMemo,
      typedSearchAttributes: tracked ? [{ key: PROJECT_KEY, value: projectKey(cfg.connection, cfg.project) }] : undefined,
    });
  } catch (err) {
    const message = err instanceof ChildWorkflowFailure ? (err.cause?.message ?? err.message) : (err as Error).message;
    return { ...base, syncOutcome: 'error', syncError: message, downstreamWorkflowId: null, downstreamSkipped: 'the sync did not produce a report', endedAt: now() };
  }
  const synced = { ...base, syncOutcome: report.outcome, syncError: null };
  const skip = skipReason(cfg, report);
  if (skip) return { ...synced, downstreamWorkflowId: null, downstreamSkipped: skip, endedAt: now() };

  const downstream = cfg.downstream!;
  const downstreamWorkflowId = `${info.workflowId}/downstream/${suffix}`;
  const input: DownstreamInput = {
    connection: cfg.connection,
    project: cfg.project,
    pipelineWorkflowId: info.workflowId,
    batch: {
      number,
      events: batch.events,
      annotations: batch.annotations,
      actions: batch.actions,
      reconciled,
      firstEventAt: new Date(batch.firstAt).toISOString(),
      lastEventAt: new Date(batch.lastAt).toISOString(),
    },
    sync: report,
  };
  try {
    // ABANDON: the downstream job outlives this run (continue-as-new closes it) and is not ours to cancel.
    await startChild(downstream.workflowType, {
      workflowId: downstreamWorkflowId,
      taskQueue: downstream.taskQueue,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    // Already started under this id: a replayed or retried start, not a second job.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
      return { ...synced, downstreamWorkflowId: null, downstreamSkipped: `starting ${downstream.workflowType} failed: ${(err as Error).message}`, endedAt: now() };
    }
  }
  return { ...synced, downstreamWorkflowId, downstreamSkipped: null, endedAt: now() };
}

function skipReason(cfg: ResolvedPipelineInput, report: ProjectSyncReport): string | null {
  const downstream = cfg.downstream;
  if (!downstream) return 'no downstream workflow configured';
  if (downstream.when === 'all-succeeded' && report.outcome !== 'completed') return `the sync outcome was ${report.outcome} (downstream runs when all succeeded)`;
  if (downstream.when === 'any-succeeded' && report.counts.succeeded === 0) return 'no storage synced (downstream runs when any succeeded)';
  return null;
}

function now(): string {
  return new Date().toISOString();
}

import {
  ApplicationFailure,
  isCancellation,
  proxySinks,
  workflowInfo,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import type { SyncReport } from './sync-report';
import type { SyncEnd, SyncMetricsSinks } from './sync-metrics-sink';
import type { SyncExportStorageInput } from '../schema/sync-input';

const { labelStudioSyncMetrics } = proxySinks<SyncMetricsSinks>();

class SyncMetricsInterceptor implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: (input: WorkflowExecuteInput) => Promise<unknown>): Promise<unknown> {
    if (workflowInfo().workflowType !== 'syncExportStorage') return next(input);
    const storageType = String((input.args[0] as SyncExportStorageInput | undefined)?.storageType ?? 'unknown');
    whenLive(() => labelStudioSyncMetrics.started(storageType));
    try {
      const result = (await next(input)) as SyncReport;
      whenLive(() => labelStudioSyncMetrics.ended(syncEnd(storageType, result.outcome, result)));
      return result;
    } catch (err) {
      const failed = err instanceof ApplicationFailure ? (err.details?.[0] as SyncReport | undefined) : undefined;
      whenLive(() => labelStudioSyncMetrics.ended(syncEnd(storageType, isCancellation(err) ? 'cancelled' : (failed?.outcome ?? 'error'), failed)));
      throw err;
    }
  }
}

/**
 * Reports only what runs live: a sync counts once however often its history is replayed, and a
 * replaying worker (which may not have the sink) is not called. Sink calls are no commands, so
 * skipping them keeps replays deterministic.
 */
function whenLive(call: () => void): void {
  if (!workflowInfo().unsafe.isReplaying) call();
}

function syncEnd(storageType: string, outcome: string, report: SyncReport | undefined): SyncEnd {
  const syncs = report?.labelStudioSyncs;
  const detectionDelays: SyncEnd['detectionDelays'] = [];
  for (const attempt of report?.attempts ?? []) {
    // Only an attempt that ended well has a last_sync of its own; a failed one keeps the previous sync's.
    if (!attempt.lastSync || (attempt.status !== 'completed' && attempt.status !== 'completed_with_errors')) continue;
    // Label Studio's clock is not the workflow's: a skew below zero counts as no delay.
    const delay = (Date.parse(attempt.endedAt) - Date.parse(attempt.lastSync)) / 1000;
    if (Number.isFinite(delay)) detectionDelays.push({ status: attempt.status, seconds: Math.max(0, delay) });
  }
  return {
    storageType,
    outcome,
    durationSeconds: (Date.now() - workflowInfo().startTime.getTime()) / 1000,
    unexpectedSyncs: syncs && syncs.ran > syncs.triggered ? syncs.ran - syncs.triggered : 0,
    detectionDelays,
  };
}

/**
 * Sync metrics, reported from the workflow side through the labelStudioSyncMetrics sink, which
 * the worker registers (createSyncWorker). Runs in the workflow bundle (the worker's
 * interceptors.workflowModules, or bundleWorkflowCode's workflowInterceptorModules).
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new SyncMetricsInterceptor()] });

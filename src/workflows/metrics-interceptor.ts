import {
  ApplicationFailure,
  isCancellation,
  metricMeter,
  workflowInfo,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import type { SyncReport } from './sync-report';
import { SYNC_METRICS } from './sync-metric-names';
import type { SyncExportStorageInput } from '../schema/sync-input';

/** Made per workflow: the workflow metric meter works only inside a workflow context. */
function syncMetrics() {
  return {
    started: metricMeter.createCounter(SYNC_METRICS.started, 'syncs', 'Storage sync workflows started'),
    ended: metricMeter.createCounter(SYNC_METRICS.ended, 'syncs', 'Storage sync workflows ended, by outcome'),
    duration: metricMeter.createHistogram(SYNC_METRICS.duration, 'float', 's', 'Time from the sync workflow start to its end'),
    detectionDelay: metricMeter.createHistogram(
      SYNC_METRICS.detectionDelay,
      'float',
      's',
      "Time from Label Studio's end of a sync (last_sync) to the workflow seeing it",
    ),
    unexpectedSyncs: metricMeter.createCounter(
      SYNC_METRICS.unexpectedSyncs,
      'syncs',
      'Syncs Label Studio ran for a storage during its sync workflow beyond the ones the workflow triggered',
    ),
  };
}

class SyncMetricsInterceptor implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: (input: WorkflowExecuteInput) => Promise<unknown>): Promise<unknown> {
    if (workflowInfo().workflowType !== 'syncExportStorage') return next(input);
    const storageType = String((input.args[0] as SyncExportStorageInput | undefined)?.storageType ?? 'unknown');
    const metrics = syncMetrics();
    metrics.started.add(1, { storage_type: storageType });
    try {
      const report = (await next(input)) as SyncReport;
      recordEnd(metrics, storageType, report.outcome, report);
      return report;
    } catch (err) {
      const report = err instanceof ApplicationFailure ? (err.details?.[0] as SyncReport | undefined) : undefined;
      recordEnd(metrics, storageType, isCancellation(err) ? 'cancelled' : (report?.outcome ?? 'error'), report);
      throw err;
    }
  }
}

function recordEnd(metrics: ReturnType<typeof syncMetrics>, storageType: string, outcome: string, report: SyncReport | undefined): void {
  metrics.ended.add(1, { storage_type: storageType, outcome });
  metrics.duration.record((Date.now() - workflowInfo().startTime.getTime()) / 1000, { storage_type: storageType, outcome });
  const syncs = report?.labelStudioSyncs;
  if (syncs && syncs.ran > syncs.triggered) metrics.unexpectedSyncs.add(syncs.ran - syncs.triggered, { storage_type: storageType });
  for (const attempt of report?.attempts ?? []) {
    // Only an attempt that ended well has a last_sync of its own; a failed one keeps the previous sync's.
    if (!attempt.lastSync || (attempt.status !== 'completed' && attempt.status !== 'completed_with_errors')) continue;
    // Label Studio's clock is not the workflow's: a skew below zero counts as no delay.
    const delay = (Date.parse(attempt.endedAt) - Date.parse(attempt.lastSync)) / 1000;
    if (Number.isFinite(delay)) metrics.detectionDelay.record(Math.max(0, delay), { storage_type: storageType, status: attempt.status });
  }
}

/**
 * Sync metrics, recorded from the workflow side with the workflow metric meter: it emits nothing
 * while a history replays, so a sync counts once however often it is replayed. Runs in the
 * workflow bundle (the worker's interceptors.workflowModules, or bundleWorkflowCode's
 * workflowInterceptorModules).
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new SyncMetricsInterceptor()] });

import type { MetricMeter } from '@temporalio/common';
import type { InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { RequestObserver } from '../labelstudio/request-observer';
import { SYNC_METRICS, type SyncMetricsSinks } from '../workflows/sync-metrics-sink';

export const LABEL_STUDIO_REQUEST_METRICS = {
  requests: 'label_studio_requests_total',
  duration: 'label_studio_request_duration_seconds',
} as const;

/** Where a worker polls, in the SDK's label names, so our series join its `temporal_*` ones. */
export interface WorkerPlace {
  namespace: string;
  taskQueue: string;
}

/**
 * Counts the worker's Label Studio requests by connection, method, route and status (the HTTP
 * status, or `connection` / `timeout` when no answer came), and times them.
 */
export function labelStudioRequestMetrics(meter: MetricMeter, { namespace, taskQueue }: WorkerPlace): RequestObserver {
  const tagged = meter.withTags({ namespace, task_queue: taskQueue });
  const requests = tagged.createCounter(LABEL_STUDIO_REQUEST_METRICS.requests, 'requests', 'Label Studio HTTP requests, by status');
  const duration = tagged.createHistogram(LABEL_STUDIO_REQUEST_METRICS.duration, 'float', 's', 'Label Studio HTTP request time, to the whole answer');
  return ({ connection, method, route }) => {
    const start = performance.now();
    return (end) => {
      const tags = { connection, method, route, status: 'status' in end ? String(end.status) : end.error };
      requests.add(1, tags);
      duration.record((performance.now() - start) / 1000, tags);
    };
  };
}

/**
 * Records what the sync workflows report (src/workflows/metrics-interceptor.ts), tagged with the
 * workflow's namespace, task queue and type under the SDK's label names. Never called for a
 * replayed history: a sync counts once.
 */
export function syncMetricsSinks(meter: MetricMeter): InjectedSinks<SyncMetricsSinks> {
  const started = meter.createCounter(SYNC_METRICS.started, 'syncs', 'Storage sync workflows started');
  const ended = meter.createCounter(SYNC_METRICS.ended, 'syncs', 'Storage sync workflows ended, by outcome');
  const duration = meter.createHistogram(SYNC_METRICS.duration, 'float', 's', 'Time from the sync workflow start to its end');
  const detectionDelay = meter.createHistogram(SYNC_METRICS.detectionDelay, 'float', 's', "Time from Label Studio's end of a sync (last_sync) to the workflow seeing it");
  const unexpectedSyncs = meter.createCounter(
    SYNC_METRICS.unexpectedSyncs,
    'syncs',
    'Syncs Label Studio ran for a storage during its sync workflow beyond the ones the workflow triggered',
  );
  const place = (info: WorkflowInfo) => ({ namespace: info.namespace, task_queue: info.taskQueue, workflow_type: info.workflowType });
  return {
    labelStudioSyncMetrics: {
      started: { fn: (info, storageType) => started.add(1, { ...place(info), storage_type: storageType }) },
      ended: {
        fn: (info, end) => {
          const tags = { ...place(info), storage_type: end.storageType };
          ended.add(1, { ...tags, outcome: end.outcome });
          duration.record(end.durationSeconds, { ...tags, outcome: end.outcome });
          if (end.unexpectedSyncs > 0) unexpectedSyncs.add(end.unexpectedSyncs, tags);
          for (const { status, seconds } of end.detectionDelays) detectionDelay.record(seconds, { ...tags, status });
        },
      },
    },
  };
}

/** Histogram buckets in seconds (Core's defaults are made for milliseconds). */
export const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [LABEL_STUDIO_REQUEST_METRICS.duration]: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  [SYNC_METRICS.duration]: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 10_800, 21_600],
  [SYNC_METRICS.detectionDelay]: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
};

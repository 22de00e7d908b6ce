import type { Sinks } from '@temporalio/workflow';

/**
 * The sync metrics, by name. Counters end in _total here because the worker's Prometheus exporter
 * adds no suffix (the SDK's own counters keep the names Temporal documents).
 */
export const SYNC_METRICS = {
  started: 'label_studio_sync_started_total',
  ended: 'label_studio_sync_ended_total',
  duration: 'label_studio_sync_duration_seconds',
  detectionDelay: 'label_studio_sync_detection_delay_seconds',
  unexpectedSyncs: 'label_studio_sync_unexpected_syncs_total',
} as const;

/** The end of one sync workflow, as its workflow saw it (times in workflow time). */
export interface SyncEnd {
  storageType: string;
  outcome: string;
  durationSeconds: number;
  /** Syncs Label Studio ran during the workflow beyond the ones it triggered. */
  unexpectedSyncs: number;
  /** Per attempt that ended well: Label Studio's last_sync to the workflow seeing the end. */
  detectionDelays: { status: string; seconds: number }[];
}

/**
 * What the workflow side (metrics-interceptor.ts) reports and the worker records
 * (src/worker/metrics.ts). A sink rather than the workflow metric meter: that one always adds the
 * worker's camelCase `taskQueue` tag, and our series must join the SDK's on `task_queue`.
 */
export interface SyncMetricsSinks extends Sinks {
  labelStudioSyncMetrics: {
    started(storageType: string): void;
    ended(end: SyncEnd): void;
  };
}

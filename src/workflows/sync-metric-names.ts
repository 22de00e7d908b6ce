/** The sync metrics the workflow side records (metrics-interceptor.ts); the worker sets their buckets. */
export const SYNC_METRICS = {
  started: 'label_studio_sync_started',
  ended: 'label_studio_sync_ended',
  duration: 'label_studio_sync_duration_seconds',
  detectionDelay: 'label_studio_sync_detection_delay_seconds',
  unexpectedSyncs: 'label_studio_sync_unexpected_syncs',
} as const;

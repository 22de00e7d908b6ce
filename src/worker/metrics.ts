import type { MetricMeter } from '@temporalio/common';
import type { RequestObserver } from '../labelstudio/request-observer';
import { SYNC_METRICS } from '../workflows/sync-metric-names';

export const LABEL_STUDIO_REQUEST_METRICS = {
  requests: 'label_studio_requests',
  duration: 'label_studio_request_duration_seconds',
} as const;

/**
 * Counts the worker's Label Studio requests by connection, method, route and status (the HTTP
 * status, or `connection` / `timeout` when no answer came), and times them.
 */
export function labelStudioRequestMetrics(meter: MetricMeter): RequestObserver {
  const requests = meter.createCounter(LABEL_STUDIO_REQUEST_METRICS.requests, 'requests', 'Label Studio HTTP requests, by status');
  const duration = meter.createHistogram(LABEL_STUDIO_REQUEST_METRICS.duration, 'float', 's', 'Label Studio HTTP request time, to the whole answer');
  return ({ connection, method, route }) => {
    const start = performance.now();
    return (end) => {
      const tags = { connection, method, route, status: 'status' in end ? String(end.status) : end.error };
      requests.add(1, tags);
      duration.record((performance.now() - start) / 1000, tags);
    };
  };
}

/** Histogram buckets in seconds (Core's defaults are made for milliseconds). */
export const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [LABEL_STUDIO_REQUEST_METRICS.duration]: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  [SYNC_METRICS.duration]: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 10_800, 21_600],
  [SYNC_METRICS.detectionDelay]: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
};

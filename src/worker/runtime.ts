import type { RuntimeOptions } from '@temporalio/worker';
import type { Logger as PinoLogger } from 'pino';
import type { ObservabilityConfig } from '../config/observability';
import { temporalLogger } from './logging';
import { HISTOGRAM_BUCKETS } from './metrics';

/**
 * The Temporal runtime of a worker process: SDK and Core logs through pino, and, when
 * LST_METRICS_ADDRESS is set, Core's Prometheus exporter serving the SDK's metrics and this
 * package's (made with the runtime's metric meter) on /metrics. A process installs it once.
 */
export function runtimeOptions(config: Pick<ObservabilityConfig, 'metricsAddress'>, logger: PinoLogger): RuntimeOptions {
  return {
    logger: temporalLogger(logger),
    ...(config.metricsAddress && {
      telemetryOptions: {
        metrics: {
          // No _total added: the SDK's counters keep the names Temporal documents (some already end
          // in _total), ours carry it in their names (src/worker/metrics.ts). Durations in seconds.
          prometheus: {
            bindAddress: config.metricsAddress,
            countersTotalSuffix: false,
            useSecondsForDurations: true,
            histogramBucketOverrides: HISTOGRAM_BUCKETS,
          },
        },
      },
    }),
  };
}

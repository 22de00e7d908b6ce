import type { WorkerInterceptors } from '@temporalio/worker';
import { ConfigError } from '../config/config-error';
import type { ObservabilityConfig } from '../config/observability';
import type { RequestObserver } from '../labelstudio/request-observer';

export interface Tracing {
  interceptors: WorkerInterceptors;
  /** Spans around Label Studio requests. */
  observe: RequestObserver;
  /** Flushes the spans still buffered. */
  shutdown(): Promise<void>;
}

const PACKAGES = '@temporalio/interceptors-opentelemetry @opentelemetry/api @opentelemetry/sdk-trace-base @opentelemetry/context-async-hooks';

/**
 * Tracing as LST_TRACING asks; undefined when off. OpenTelemetry is imported only here, on
 * demand, so a worker without tracing neither loads it nor needs it installed.
 */
export async function startTracing(mode: ObservabilityConfig['tracing']): Promise<Tracing | undefined> {
  if (mode === 'off') return undefined;
  try {
    const { startOtelTracing } = await import('./otel-tracing.js');
    const { ConsoleSpanExporter } = await import('@opentelemetry/sdk-trace-base');
    const exporter = mode === 'console' ? new ConsoleSpanExporter() : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
    return startOtelTracing(exporter);
  } catch (err) {
    if (!['MODULE_NOT_FOUND', 'ERR_MODULE_NOT_FOUND'].includes(String((err as { code?: unknown }).code))) throw err;
    throw new ConfigError(
      'LST_TRACING',
      `${mode} tracing needs OpenTelemetry packages that are not installed (${(err as Error).message.split('\n')[0]})`,
      `npm install ${PACKAGES}${mode === 'otlp' ? ' @opentelemetry/exporter-trace-otlp-http' : ''}, or unset LST_TRACING`,
    );
  }
}

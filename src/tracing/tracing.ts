import type { Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ConfigError } from '../config/config-error';
import { loadObservabilityConfig, type ObservabilityConfig } from '../config/observability';
import type { RequestObserver } from '../labelstudio/request-observer';

/**
 * OpenTelemetry as the plugin uses it: the client, activity and Label Studio request spans go
 * through `tracer` (the global provider), the workflow spans, made in the workflow sandbox, come
 * out through a sink to `spanProcessor` with `resource`.
 */
export interface Tracing {
  tracer: Tracer;
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Spans around Label Studio requests. */
  observe: RequestObserver;
  /** Flushes the spans still buffered and stops the provider. */
  shutdown(): Promise<void>;
}

const PACKAGES = '@temporalio/interceptors-opentelemetry @opentelemetry/api @opentelemetry/sdk-trace-base @opentelemetry/context-async-hooks @opentelemetry/resources';

/**
 * Tracing as LST_TRACING asks; undefined when off. OpenTelemetry is loaded only here, on demand,
 * so a process without tracing neither loads it nor needs it installed.
 */
export function startTracing(mode: ObservabilityConfig['tracing']): Tracing | undefined {
  if (mode === 'off') return undefined;
  try {
    // Synchronous on purpose: a plugin is built in a constructor, and a client plugin configures synchronously.
    const { startOtelTracing } = require('./otel-tracing.js') as typeof import('./otel-tracing.js');
    const exporter: SpanExporter =
      mode === 'console'
        ? new (require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base')).ConsoleSpanExporter()
        : new (require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
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

/**
 * Tracing through an OpenTelemetry SDK the app set up itself (its global tracer provider and context
 * manager): the client, activity and Label Studio request spans go through it, the workflow spans
 * to `spanProcessor` with `resource`.
 */
export function tracingWith(spanProcessor: SpanProcessor, resource: Resource): Tracing {
  return (require('./otel-tracing.js') as typeof import('./otel-tracing.js')).otelTracing(spanProcessor, resource);
}

let fromEnv: { mode: ObservabilityConfig['tracing']; tracing: Tracing | undefined } | undefined;

/**
 * The process's tracing as LST_TRACING asks, started on the first call: a tracer provider is
 * global, so every plugin, client and worker of the process shares one.
 */
export function tracingFromEnv(env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  const mode = loadObservabilityConfig(env).tracing;
  if (fromEnv && fromEnv.mode === mode) return fromEnv.tracing;
  fromEnv = { mode, tracing: startTracing(mode) };
  return fromEnv.tracing;
}

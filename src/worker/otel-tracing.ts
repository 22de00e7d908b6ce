import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Tracing } from './tracing';

/**
 * OpenTelemetry for the worker: a span per activity (Temporal's interceptor) and, inside it, a
 * client span per Label Studio request. Loaded only when tracing is on.
 */
export function startOtelTracing(exporter: SpanExporter, batch = true): Tracing {
  const provider = new BasicTracerProvider({
    spanProcessors: [batch ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter)],
  });
  provider.register({ contextManager: new AsyncLocalStorageContextManager() });
  const tracer = trace.getTracer('label-studio-temporal');
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    observe: ({ connection, method, route }) => {
      const span = tracer.startSpan(`Label Studio ${method} ${route}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': method, 'url.template': route, 'label_studio.connection': connection },
      });
      return (end) => {
        if ('status' in end) {
          span.setAttribute('http.response.status_code', end.status);
          if (end.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
        } else {
          span.setAttribute('error.type', end.error);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      };
    },
    shutdown: () => provider.shutdown(),
  };
}

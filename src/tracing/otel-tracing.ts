import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { detectResourcesSync, envDetectorSync, Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RequestObserver } from '../labelstudio/request-observer';
import type { Tracing } from './tracing';

/** The service name when OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) does not give one. */
export const DEFAULT_SERVICE_NAME = 'label-studio-temporal';

/**
 * OpenTelemetry for this process: a tracer provider registered globally (so the activity and
 * client interceptors and the Label Studio request spans find it), its resource from the standard
 * OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. Loaded only when tracing is on.
 */
export function startOtelTracing(exporter: SpanExporter, batch = true): Tracing {
  const resource = Resource.default()
    .merge(new Resource({ 'service.name': DEFAULT_SERVICE_NAME }))
    .merge(detectResourcesSync({ detectors: [envDetectorSync] }));
  const spanProcessor = batch ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter);
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({ contextManager: new AsyncLocalStorageContextManager() });
  return { ...otelTracing(spanProcessor, resource), shutdown: () => provider.shutdown() };
}

/**
 * Tracing through the global tracer provider as it is (this process's, or one the app registered
 * itself); the workflow spans go to `spanProcessor` with `resource`. Its shutdown only flushes.
 */
export function otelTracing(spanProcessor: SpanProcessor, resource: Resource): Tracing {
  const tracer = trace.getTracer(DEFAULT_SERVICE_NAME);
  return { tracer, spanProcessor, resource, observe: requestSpans(tracer), shutdown: () => spanProcessor.forceFlush() };
}

/**
 * A client span per Label Studio request, in the HTTP semantic conventions. The route, not the
 * URL: the base URL is a secret of the worker's configuration, and the query may carry one too.
 */
function requestSpans(tracer: Tracing['tracer']): RequestObserver {
  return ({ connection, method, route }) => {
    const template = `/${route}`;
    const span = tracer.startSpan(`${method} ${template}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': method, 'url.template': template, 'label_studio.connection': connection },
    });
    return (end) => {
      if ('status' in end) {
        span.setAttribute('http.response.status_code', end.status);
        if (end.status >= 400) {
          span.setAttribute('error.type', String(end.status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
      } else {
        span.setAttribute('error.type', end.error);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    };
  };
}

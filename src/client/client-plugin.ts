import type { ClientOptions, ClientPlugin, WorkflowClientInterceptor } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { dataConverterFromEnv } from '../config/payload-encryption';
import { tracingFromEnv, type Tracing } from '../tracing/tracing';

export interface ClientPluginOptions {
  /** Encodes payloads as the workers do; default: from LST_PAYLOAD_KEY (none when unset). `null` for none. */
  dataConverter?: DataConverter | null;
  /** OpenTelemetry (see docs/tracing.md); default: as LST_TRACING asks. `null` for none. */
  tracing?: Tracing | null;
}

/** The name the client and worker plugins register under. */
export const PLUGIN_NAME = 'label-studio-temporal';

/**
 * The client side of the package's plugin: `new Client({ plugins: [new LabelStudioTemporalClientPlugin()] })`.
 * Adds the data converter the workers use (payload encryption) and, with tracing, the span that
 * starts each sync's trace. Loads neither the worker nor @temporalio/plugin: a client-only install
 * can use it. The worker plugin (label-studio-temporal/worker) includes it.
 */
export class LabelStudioTemporalClientPlugin implements ClientPlugin {
  readonly name = PLUGIN_NAME;
  readonly dataConverter: DataConverter | undefined;
  readonly tracing: Tracing | undefined;
  private readonly interceptor: WorkflowClientInterceptor | undefined;

  constructor(options: ClientPluginOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    this.dataConverter = options.dataConverter === undefined ? dataConverterFromEnv(env) : (options.dataConverter ?? undefined);
    this.tracing = options.tracing === undefined ? tracingFromEnv(env) : (options.tracing ?? undefined);
    if (this.tracing) {
      // The client part alone: the package's index would load @temporalio/plugin too.
      const { OpenTelemetryWorkflowClientInterceptor } = require('@temporalio/interceptors-opentelemetry/lib/client') as typeof import('@temporalio/interceptors-opentelemetry/lib/client');
      this.interceptor = new OpenTelemetryWorkflowClientInterceptor({ tracer: this.tracing.tracer });
    }
  }

  configureClient(options: Omit<ClientOptions, 'plugins'>): Omit<ClientOptions, 'plugins'> {
    return {
      ...options,
      // As the SDK's SimplePlugin merges: the plugin's fields over the existing converter's.
      dataConverter: this.dataConverter ? { ...options.dataConverter, ...this.dataConverter } : options.dataConverter,
      interceptors: this.interceptor ? { ...options.interceptors, workflow: [...workflowInterceptors(options.interceptors?.workflow), this.interceptor] } : options.interceptors,
    };
  }
}

function workflowInterceptors(existing: NonNullable<ClientOptions['interceptors']>['workflow']): WorkflowClientInterceptor[] {
  if (existing === undefined || Array.isArray(existing)) return existing ?? [];
  throw new TypeError('label-studio-temporal: tracing appends to the client\'s workflow interceptors, which must be an array (the object form of interceptors.workflow is deprecated): pass interceptors: { workflow: [...] }');
}

import type { ClientOptions } from '@temporalio/client';
import { SimplePlugin } from '@temporalio/plugin';
import { Runtime, type BundleOptions, type InjectedSinks, type ReplayWorkerOptions, type Worker, type WorkerInterceptors, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { LabelStudioTemporalClientPlugin, PLUGIN_NAME, type ClientPluginOptions } from '../client/client-plugin';
import { loadLabelStudioConnections, type LabelStudioConnection } from '../config/label-studio-connections';
import { loadLineageConfig, type LineageConfig } from '../config/lineage';
import { budgetedQueue, LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { observeAll, type RequestObserver } from '../labelstudio/request-observer';
import type { Tracing } from '../tracing/tracing';
import type { SyncMetricsSinks } from '../workflows/sync-metrics-sink';
import { syncMetricsSinks } from './metrics';
import { RequestBudgetWorkers } from './request-budget';
import { besideOwnWorkflows, prebuiltBundleProblem, workflowBundleOption, workflowInterceptorModules } from './workflow-bundle';

export interface LabelStudioTemporalPluginOptions extends ClientPluginOptions {
  /** The Label Studio connections the activities reach; default: from LABEL_STUDIO_URL / LABEL_STUDIO_CONNECTIONS, read when a worker is configured. */
  labelStudio?: ReadonlyMap<string, LabelStudioConnection>;
  /** Where the syncs' OpenLineage events go; default: from OPENLINEAGE_*. `null` for none. */
  lineage?: LineageConfig | null;
  /** Told of every Label Studio request (e.g. metrics), beside the tracing spans. */
  observeLabelStudio?: RequestObserver;
}

/**
 * The package on a worker and client of your own: `Worker.create({ ..., plugins: [plugin] })`,
 * `new Client({ ..., plugins: [plugin] })`. Adds the workflows (beside the worker's own
 * workflowsPath, in its one bundle), the activities, the sync metrics interceptor, the data
 * converter and, with tracing, the OpenTelemetry interceptors and the sink of the workflow spans.
 * Without the settings in `options`, it reads them from the environment as the worker process
 * does. See docs/plugin.md.
 */
export class LabelStudioTemporalPlugin extends SimplePlugin {
  readonly client: LabelStudioTemporalClientPlugin;
  private readonly tracing: Tracing | undefined;
  private registry: LabelStudioClientRegistry | undefined;
  private metricSinks: InjectedSinks<SyncMetricsSinks> | undefined;
  /** Each configured worker's options, by task queue: its request budget's workers are made from them. */
  private readonly configured = new Map<string, WorkerOptions>();
  /** The budgets' own queues: a worker on one of them (made by runWorker) is left as it is. */
  private readonly budgetQueues = new Set<string>();

  constructor(options: LabelStudioTemporalPluginOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    const client = new LabelStudioTemporalClientPlugin(options, env);
    const { tracing } = client;
    const registry = () => {
      this.registry ??= new LabelStudioClientRegistry(
        options.labelStudio ?? loadLabelStudioConnections(env),
        observeAll([...(options.observeLabelStudio ? [options.observeLabelStudio] : []), ...(tracing ? [tracing.observe] : [])]),
      );
      return this.registry;
    };
    const lineage = () => (options.lineage === undefined ? loadLineageConfig(env) : (options.lineage ?? undefined));
    super({
      name: PLUGIN_NAME,
      dataConverter: client.dataConverter,
      // Built when a worker is configured: a client-only use needs no Label Studio settings.
      activities: (existing) => ({ ...existing, ...createActivities(registry(), lineage()) }),
      workerInterceptors: workerInterceptors(tracing),
      runContext: async (next) => {
        try {
          await next();
        } finally {
          await this.registry?.close();
          await tracing?.spanProcessor.forceFlush();
        }
      },
    });
    this.client = client;
    this.tracing = tracing;
  }

  override configureClient(options: ClientOptions): ClientOptions {
    return this.client.configureClient(options);
  }

  override configureWorker(options: WorkerOptions): WorkerOptions {
    // Reached for the budget's workers too when this plugin is also the Temporal connection's.
    if (this.budgetQueues.has(options.taskQueue)) return options;
    const configured = super.configureWorker(this.withSinks(this.withWorkflowCode(options)));
    this.configured.set(configured.taskQueue, configured);
    return configured;
  }

  /** The worker, and beside it one activity worker per Label Studio connection with a request budget. */
  override runWorker(worker: Worker, next: (w: Worker) => Promise<void>): Promise<void> {
    return super.runWorker(worker, async (w) => {
      const options = this.configured.get(w.options.taskQueue);
      // A worker that runs no activities (enableNonLocalActivities: false) runs no budget's either.
      if (!options || !this.registry || options.enableNonLocalActivities === false) return next(w);
      const budgets = this.registry.budgets();
      for (const connection of budgets.keys()) this.budgetQueues.add(budgetedQueue(options.taskQueue, connection));
      const budget = await RequestBudgetWorkers.create(options, budgets);
      return budget.runBeside(w, () => next(w));
    });
  }

  override configureReplayWorker(options: ReplayWorkerOptions): ReplayWorkerOptions {
    return super.configureReplayWorker(this.withSinks(this.withWorkflowCode(options)));
  }

  /** For bundleWorkflowCode({ workflowsPath, plugins: [plugin] }): a prebuilt bundle holding both sides. */
  override configureBundler(options: BundleOptions): BundleOptions {
    const code = besideOwnWorkflows(options.workflowsPath, options.webpackConfigHook);
    const modules = workerInterceptors(this.tracing).workflowModules ?? [];
    return { ...options, ...code, workflowInterceptorModules: [...new Set([...(options.workflowInterceptorModules ?? []), ...modules])] };
  }

  /**
   * The worker's one workflow bundle. A bundle it was given is used as it is: build it with this
   * plugin (configureBundler). A workflowsPath of its own gets this package's workflows beside it.
   * With neither, the prebuilt bundle, when nothing else has to go in: no tracing modules, no
   * other workflow interceptor modules, no other plugin, the SDK version it was built with.
   */
  private withWorkflowCode<T extends WorkerOptions | ReplayWorkerOptions>(options: T): T {
    if (options.workflowBundle) return options;
    const alone = options.workflowsPath === undefined && !this.tracing && !options.interceptors?.workflowModules?.length && (options.plugins ?? []).every((p) => p === this);
    if (alone) {
      // Workflow failures are converted inside the bundle: it must carry the data converter's failure converter.
      const failureConverterPath = this.client.dataConverter?.failureConverterPath ?? options.dataConverter?.failureConverterPath;
      const problem = prebuiltBundleProblem(undefined, undefined, failureConverterPath);
      if (problem) Runtime.instance().logger.warn(problem);
      const prebuilt = workflowBundleOption(undefined, failureConverterPath);
      if (prebuilt.workflowBundle) return { ...options, ...prebuilt };
    }
    const { workflowsPath, webpackConfigHook } = besideOwnWorkflows(options.workflowsPath, options.bundlerOptions?.webpackConfigHook);
    return { ...options, workflowsPath, bundlerOptions: { ...options.bundlerOptions, webpackConfigHook } };
  }

  /**
   * The sinks the workflows report through: the sync metrics (recorded with the SDK's label names), and,
   * only with tracing, as the workflow modules that call it, the one the workflow spans leave by.
   */
  private withSinks<T extends WorkerOptions | ReplayWorkerOptions>(options: T): T {
    this.metricSinks ??= syncMetricsSinks(Runtime.instance().metricMeter);
    let exporter: InjectedSinks<any> = {};
    if (this.tracing) {
      const { makeWorkflowExporter } = require('@temporalio/interceptors-opentelemetry') as typeof import('@temporalio/interceptors-opentelemetry');
      exporter = { exporter: makeWorkflowExporter(this.tracing.spanProcessor, this.tracing.resource) };
    }
    return { ...options, sinks: { ...this.metricSinks, ...options.sinks, ...exporter } };
  }
}

/** The sync metrics interceptor; with tracing, the SDK's OpenTelemetry workflow and activity interceptors. */
function workerInterceptors(tracing: Tracing | undefined): WorkerInterceptors {
  if (!tracing) return { workflowModules: workflowInterceptorModules() };
  const otel = require('@temporalio/interceptors-opentelemetry') as typeof import('@temporalio/interceptors-opentelemetry');
  return {
    workflowModules: [...workflowInterceptorModules(), require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
    activity: [
      (ctx) => ({
        inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }),
        outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
  };
}

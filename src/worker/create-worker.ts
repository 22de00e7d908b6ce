import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import type { LabelStudioConnection } from '../config/label-studio-connections';
import type { LineageConfig } from '../config/lineage';
import type { RequestObserver } from '../labelstudio/request-observer';
import { syncMetricsSinks } from './metrics';
import { SYNC_WORKER_TUNING } from './tuning';
import { prebuiltBundleProblem, workflowBundleOption, workflowInterceptorModules } from './workflow-bundle';

export interface SyncWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  labelStudio: ReadonlyMap<string, LabelStudioConnection>;
  /** Told of every Label Studio request (metrics, tracing). */
  observeLabelStudio?: RequestObserver;
  /** Where OpenLineage events of the syncs go; unset, no sync emits any. */
  lineage?: LineageConfig;
  /** Extra worker settings (tuning, interceptors, a data converter, a prebuilt workflow bundle); they override SYNC_WORKER_TUNING. */
  tuning?: Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities'>>;
}

export interface SyncWorker {
  worker: Worker;
  /** Runs until shutdown() (or a signal, when the worker handles them), then closes the Label Studio pools. */
  run(): Promise<void>;
}

/** A worker that registers every workflow and activity of this package. */
export async function createSyncWorker(options: SyncWorkerOptions): Promise<SyncWorker> {
  const registry = new LabelStudioClientRegistry(options.labelStudio, options.observeLabelStudio);
  const chosen = Boolean(options.tuning?.workflowBundle || options.tuning?.workflowsPath);
  // Workflow failures are converted inside the bundle: it must carry the data converter's failure converter.
  const failureConverterPath = options.tuning?.dataConverter?.failureConverterPath;
  const problem = chosen ? undefined : prebuiltBundleProblem(undefined, undefined, failureConverterPath);
  if (problem) Runtime.instance().logger.warn(problem);
  const code = chosen ? {} : workflowBundleOption(undefined, failureConverterPath);
  // A prebuilt bundle has the workflow interceptors compiled in (scripts/bundle-workflows.ts); the
  // SDK ignores (and warns about) modules passed next to one.
  const bundled = Boolean(code.workflowBundle ?? options.tuning?.workflowBundle);
  const workflowModules = [...(bundled ? [] : workflowInterceptorModules()), ...(options.tuning?.interceptors?.workflowModules ?? [])];
  const worker = await Worker.create({
    ...code,
    ...SYNC_WORKER_TUNING,
    ...options.tuning,
    interceptors: { ...options.tuning?.interceptors, workflowModules },
    sinks: { ...syncMetricsSinks(Runtime.instance().metricMeter), ...options.tuning?.sinks },
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(registry, options.lineage),
  });
  return {
    worker,
    run: async () => {
      try {
        await worker.run();
      } finally {
        await registry.close();
      }
    },
  };
}

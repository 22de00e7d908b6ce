import type { WorkerDeploymentVersion } from '@temporalio/common';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import type { LabelStudioConnection } from '../config/label-studio-connections';
import type { LineageConfig } from '../config/lineage';
import type { RequestObserver } from '../labelstudio/request-observer';
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
  /**
   * The Worker Deployment Version this worker runs as (workerDeploymentFromEnv); unset, it is
   * unversioned. Each workflow declares whether it is pinned or auto-upgrades (docs/upgrades.md).
   */
  deployment?: WorkerDeploymentVersion;
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
  const problem = chosen ? undefined : prebuiltBundleProblem();
  if (problem) Runtime.instance().logger.warn(problem);
  const code = chosen ? {} : workflowBundleOption();
  // A prebuilt bundle has the workflow interceptors compiled in (scripts/bundle-workflows.ts); the
  // SDK ignores (and warns about) modules passed next to one.
  const bundled = Boolean(code.workflowBundle ?? options.tuning?.workflowBundle);
  const workflowModules = [...(bundled ? [] : workflowInterceptorModules()), ...(options.tuning?.interceptors?.workflowModules ?? [])];
  const worker = await Worker.create({
    ...code,
    ...SYNC_WORKER_TUNING,
    // The default serves only runs begun before versioning was turned on (the package's workflows declare
    // theirs, see versioning-behavior.ts): they go on moving to the current version, as unversioned runs did.
    ...(options.deployment && { workerDeploymentOptions: { version: options.deployment, useWorkerVersioning: true, defaultVersioningBehavior: 'AUTO_UPGRADE' } }),
    ...options.tuning,
    interceptors: { ...options.tuning?.interceptors, workflowModules },
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

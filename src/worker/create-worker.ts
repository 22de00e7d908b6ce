import type { WorkerDeploymentVersion } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { LabelStudioConnection } from '../config/label-studio-connections';
import type { LineageConfig } from '../config/lineage';
import type { RequestObserver } from '../labelstudio/request-observer';
import type { Tracing } from '../tracing/tracing';
import { LabelStudioTemporalPlugin } from './plugin';
import { SYNC_WORKER_TUNING } from './tuning';

export interface SyncWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  labelStudio: ReadonlyMap<string, LabelStudioConnection>;
  /** Told of every Label Studio request (metrics). */
  observeLabelStudio?: RequestObserver;
  /** Where OpenLineage events of the syncs go; unset, no sync emits any. */
  lineage?: LineageConfig;
  /** OpenTelemetry spans of the workflows, activities and Label Studio requests (see docs/tracing.md); unset, none. */
  tracing?: Tracing;
  /**
   * The Worker Deployment Version this worker runs as (workerDeploymentFromEnv); unset, it is
   * unversioned. Each workflow declares whether it is pinned or auto-upgrades (docs/upgrades.md).
   */
  deployment?: WorkerDeploymentVersion;
  /** Extra worker settings (tuning, interceptors, a data converter, a prebuilt workflow bundle, plugins); they override SYNC_WORKER_TUNING. */
  tuning?: Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities'>>;
}

export interface SyncWorker {
  worker: Worker;
  /** Runs until shutdown() (or a signal, when the worker handles them), then closes the Label Studio pools. */
  run(): Promise<void>;
}

/**
 * A worker of this package alone: the package's plugin (see LabelStudioTemporalPlugin) on a worker
 * tuned for thousands of syncs. Nothing is read from the environment here.
 */
export async function createSyncWorker(options: SyncWorkerOptions): Promise<SyncWorker> {
  const plugin = new LabelStudioTemporalPlugin({
    labelStudio: options.labelStudio,
    lineage: options.lineage ?? null,
    observeLabelStudio: options.observeLabelStudio,
    dataConverter: options.tuning?.dataConverter ?? null,
    tracing: options.tracing ?? null,
  });
  const worker = await Worker.create({
    ...SYNC_WORKER_TUNING,
    // The default serves only runs begun before versioning was turned on (the package's workflows declare
    // theirs, see versioning-behavior.ts): they go on moving to the current version, as unversioned runs did.
    ...(options.deployment && { workerDeploymentOptions: { version: options.deployment, useWorkerVersioning: true, defaultVersioningBehavior: 'AUTO_UPGRADE' } }),
    ...options.tuning,
    plugins: [plugin, ...(options.tuning?.plugins ?? [])],
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
  });
  return { worker, run: () => worker.run() };
}

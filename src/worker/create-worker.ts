import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import type { LabelStudioConnection } from '../config/label-studio-connections';
import type { RequestObserver } from '../labelstudio/request-observer';

export interface SyncWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  labelStudio: ReadonlyMap<string, LabelStudioConnection>;
  /** Told of every Label Studio request (metrics, tracing). */
  observeLabelStudio?: RequestObserver;
  /** Extra worker settings (tuning, interceptors, a data converter, a prebuilt workflow bundle). */
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
  const worker = await Worker.create({
    workflowsPath: workflowsPath(),
    ...options.tuning,
    interceptors: {
      ...options.tuning?.interceptors,
      workflowModules: [...workflowInterceptorModules(), ...(options.tuning?.interceptors?.workflowModules ?? [])],
    },
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(registry),
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

/** The workflows entry point, compiled (dist) or as TypeScript source (tsx, vitest): the bundler takes both. */
export function workflowsPath(): string {
  return workflowModule('index');
}

/** The interceptors bundled with the workflows: the sync metrics. A prebuilt bundle must include them too. */
export function workflowInterceptorModules(): string[] {
  return [workflowModule('metrics-interceptor')];
}

function workflowModule(name: string): string {
  const js = join(__dirname, '..', 'workflows', `${name}.js`);
  return existsSync(js) ? js : join(__dirname, '..', 'workflows', `${name}.ts`);
}

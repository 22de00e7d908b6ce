import type { DataConverter } from '@temporalio/common';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { LabelStudioConnection } from '../config/label-studio-connections';
import type { Tracing } from '../tracing/tracing';
import { createSyncWorker } from '../worker/create-worker';
import { installCliRuntime } from './cli-runtime';

export interface CliWorkerOptions {
  connectionOptions: NativeConnectionOptions;
  namespace: string;
  taskQueue: string;
  labelStudio: ReadonlyMap<string, LabelStudioConnection>;
  dataConverter?: DataConverter;
  /** The spans of the sync's workflow and activities join the trace the CLI's client started. */
  tracing?: Tracing;
}

/**
 * The worker a command runs in its own process, on a native connection of its own; resolves with
 * what stops it. Its module loads the Temporal worker: the CLI imports it only when a command runs one.
 */
export async function startCliWorker(options: CliWorkerOptions): Promise<() => Promise<void>> {
  installCliRuntime();
  const native = await NativeConnection.connect(options.connectionOptions);
  try {
    const { namespace, taskQueue, labelStudio, dataConverter, tracing } = options;
    const { worker, run } = await createSyncWorker({ connection: native, namespace, taskQueue, labelStudio, tracing, tuning: { dataConverter } });
    const running = run();
    return async () => {
      worker.shutdown();
      await running.catch(() => undefined);
      await native.close();
    };
  } catch (err) {
    await native.close().catch(() => undefined);
    throw err;
  }
}

// The benches' sync worker: in this process, on a dev server, reaching the simulator as the `default`
// connection, with a client to start syncs on its task queue.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { RunningDevServer } from '../src/local/temporal-dev-server';
import type { LabelStudioSimulator } from '../src/simulator';
import { createSyncWorker } from '../src/worker/create-worker';

export interface SimulatorWorker {
  client: Client;
  taskQueue: string;
  /** Shuts the worker down and closes both connections. */
  stop(): Promise<void>;
}

export async function startSimulatorWorker(
  server: RunningDevServer,
  sim: LabelStudioSimulator,
  name: string,
  timeouts = { connectTimeoutMs: 2_000, responseTimeoutMs: 10_000 },
): Promise<SimulatorWorker> {
  const taskQueue = `${name}-${randomUUID()}`;
  const native = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const labelStudio = new Map([['default', { name: 'default', baseUrl: sim.url, apiKey: sim.legacyToken, ...timeouts }]]);
  const { worker, run } = await createSyncWorker({ connection: native, namespace: server.namespace, taskQueue, labelStudio });
  const running = run();
  return {
    client: new Client({ connection, namespace: server.namespace }),
    taskQueue,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await native.close();
    },
  };
}

import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import type { LabelStudioConnection } from '../../src/config/label-studio-connections';
import type { DataConverter } from '@temporalio/common';
import { LabelStudioTemporalClientPlugin } from '../../src/client/client-plugin';
import { createSyncWorker, type SyncWorkerOptions } from '../../src/worker/create-worker';
import { rememberSecret } from './secrets';

/**
 * The Label Studio connection name of this test file. Sync workflow ids are per connection and
 * storage, and every simulator numbers its storages from 1: files running side by side on one
 * server need names of their own.
 */
export const TEST_CONNECTION = `sim-${randomUUID().slice(0, 8)}`;

export interface TestTemporal {
  client: Client;
  taskQueue: string;
  /** Stops the worker and closes the connections. */
  close(): Promise<void>;
}

/** Label Studio connection settings for a test worker; its URL and key are remembered for the audit. */
export function labelStudioConnection(name: string, baseUrl: string, apiKey: string): LabelStudioConnection {
  rememberSecret(apiKey, new URL(baseUrl).host);
  // No request budget: a sync triggers and polls in one activity (request-budget.test.ts and the
  // property suite run syncs through a budget queue too).
  return { name, baseUrl, apiKey, connectTimeoutMs: 2_000, responseTimeoutMs: 10_000, requestsPerSecond: 'unlimited' };
}

export interface TestWorkerOptions extends Pick<SyncWorkerOptions, 'observeLabelStudio' | 'lineage' | 'tracing'> {
  /** Given to both the worker and the client (payload encryption). */
  dataConverter?: DataConverter;
  interceptors?: NonNullable<SyncWorkerOptions['tuning']>['interceptors'];
  /** Another worker's queue, to poll it too; default a queue of its own. */
  taskQueue?: string;
  /** Worker settings beyond the test defaults (slots, which tasks it polls). */
  tuning?: SyncWorkerOptions['tuning'];
}

/** A client and a running worker, on a task queue of their own, attached to the run's server. */
export async function startTestWorker(connections: LabelStudioConnection[], options: TestWorkerOptions = {}): Promise<TestTemporal> {
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const plugin = new LabelStudioTemporalClientPlugin({ dataConverter: options.dataConverter ?? null, tracing: options.tracing ?? null });
  const client = new Client({ connection, namespace, plugins: [plugin] });
  const { worker, run } = await createSyncWorker({
    connection: nativeConnection,
    namespace,
    taskQueue,
    labelStudio: new Map(connections.map((c) => [c.name, c])),
    observeLabelStudio: options.observeLabelStudio,
    lineage: options.lineage,
    tracing: options.tracing,
    tuning: { ...options.tuning, dataConverter: options.dataConverter, interceptors: options.interceptors },
  });
  const running = run();
  return {
    client,
    taskQueue,
    close: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}

import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LabelStudioSimulator } from '../src/simulator';
import { LabelStudioTemporalPlugin } from '../src/worker/plugin';
import { startSimulator } from './helpers/simulated-label-studio';
import { runSync } from './helpers/sync-run';
import { labelStudioConnection, TEST_CONNECTION } from './helpers/temporal';

// A user's own worker (their workflowsPath, activity and interceptor) with the package's plugin
// added: both sides' workflows run on it, and the user's interceptor sees every activity.
describe('LabelStudioTemporalPlugin on a worker of your own', () => {
  const taskQueue = `test-plugin-${randomUUID()}`;
  const intercepted: string[] = [];
  let sim: LabelStudioSimulator;
  let native: NativeConnection;
  let connection: Connection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    sim = await startSimulator();
    const plugin = new LabelStudioTemporalPlugin({
      labelStudio: new Map([[TEST_CONNECTION, labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken)]]),
      lineage: null,
      dataConverter: null,
      tracing: null,
    });
    const address = inject('temporalAddress');
    const namespace = inject('temporalNamespace');
    native = await NativeConnection.connect({ address });
    worker = await Worker.create({
      connection: native,
      namespace,
      taskQueue,
      workflowsPath: join(__dirname, 'plugin', 'user-workflows.ts'),
      activities: { greet: async (name: string) => `hello, ${name}` },
      interceptors: {
        activity: [
          (ctx) => ({
            inbound: {
              execute: (input, next) => {
                intercepted.push(ctx.info.activityType);
                return next(input);
              },
            } satisfies ActivityInboundCallsInterceptor,
          }),
        ],
      },
      plugins: [plugin],
    });
    running = worker.run();
    connection = await Connection.connect({ address });
    client = new Client({ connection, namespace, plugins: [plugin] });
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
    await native?.close();
    await sim?.close();
  });

  it('runs a sync of the package and the user workflow on one worker, through the user interceptor', async () => {
    const id = sim.addStorage({ type: 'azure', project: 3, script: [{ status: 'completed' }] });
    expect((await runSync(client, taskQueue, 'azure', id)).outcome).toBe('completed');
    expect(await client.workflow.execute('userGreeting', { taskQueue, workflowId: `greeting-${randomUUID()}`, args: ['plugin'] })).toBe('hello, plugin');
    expect(intercepted).toEqual(expect.arrayContaining(['readStorage', 'triggerAndAwaitSync', 'greet']));
  });
});

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStorageSync } from '../src/client/sync-client';
import { findTemporalCli } from '../src/local/temporal-cli';
import type { LabelStudioSimulator } from '../src/simulator';
import { createTestEnvironment } from '../src/testing/test-environment';
import { createSyncWorker } from '../src/worker/create-worker';
import { STORAGE_KEY } from '../src/workflows/search-attributes';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { startSimulator } from './helpers/simulated-label-studio';
import { labelStudioConnection, TEST_CONNECTION } from './helpers/temporal';

// What a user's test gets from label-studio-temporal/testing: a dev server of its own (the SDK's
// TestWorkflowEnvironment) that knows the package's search attributes, so the sync workflows run there.
let env: TestWorkflowEnvironment;
let sim: LabelStudioSimulator;

beforeAll(async () => {
  env = await createTestEnvironment({ temporalCliPath: await findTemporalCli() });
  sim = await startSimulator();
}, 300_000);

afterAll(async () => {
  await sim?.close();
  await env?.teardown();
});

describe('createTestEnvironment', () => {
  it('runs a storage sync that sets the storage search attribute', async () => {
    const id = sim.addStorage({ type: 's3', project: 4, script: [{ status: 'completed', count: 2 }] });
    const taskQueue = 'testing-entry';
    const { worker, run } = await createSyncWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      labelStudio: new Map([[TEST_CONNECTION, labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken)]]),
    });
    const running = run();
    try {
      const report = await runStorageSync(env.client, { connection: TEST_CONNECTION, storageType: 's3', storageId: id }, { taskQueue });
      expect(report).toMatchObject({ outcome: 'completed', storage: { connection: TEST_CONNECTION, type: 's3', id } });
      const described = await env.client.workflow.getHandle(syncWorkflowId(TEST_CONNECTION, 's3', id)).describe();
      expect(described.typedSearchAttributes.get(STORAGE_KEY)).toBe(`${TEST_CONNECTION}/s3/${id}`);
    } finally {
      worker.shutdown();
      await running;
    }
  });
});

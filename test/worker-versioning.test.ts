import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { NativeConnection, Runtime, bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { annotationPipeline } from '../src/workflows/annotation-pipeline';
import { createSyncWorker, type SyncWorker } from '../src/worker/create-worker';
import { workflowInterceptorModules, workflowsPath } from '../src/worker/workflow-bundle';
import type { LabelStudioSimulator, StorageInit } from '../src/simulator';
import { startSimulator } from './helpers/simulated-label-studio';
import { startSync } from './helpers/sync-run';
import { labelStudioConnection, TEST_CONNECTION } from './helpers/temporal';
import { eventually } from './helpers/workflow-input';

const HOUR = 3_600_000;
/** The first sync waits in `queued` until the test skips the simulator's clock: it runs through the rollout. */
const HELD: StorageInit = { type: 's3', project: 1, script: [{ status: 'completed', queuedMs: HOUR }] };
/** Real-time limits well past the test's length, so waiting in `queued` is neither a stall nor a timeout. */
const PATIENT = { stallTimeout: '30m', timeout: '1h' };

type Event = temporal.api.history.v1.IHistoryEvent;

// Worker Deployment Versioning on the run's server: two versions of one deployment on one task queue,
// a release rolled out while a sync runs.
describe('worker deployment versioning', () => {
  const deploymentName = `lst-test-${randomUUID().slice(0, 8)}`;
  const workers: { worker: SyncWorker['worker']; running: Promise<void> }[] = [];
  let sim: LabelStudioSimulator;
  let connection: Connection;
  let client: Client;
  let native: NativeConnection;
  let code: string;
  const taskQueue = `test-versioned-${randomUUID()}`;

  beforeAll(async () => {
    sim = await startSimulator();
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: inject('temporalNamespace') });
    native = await NativeConnection.connect({ address: inject('temporalAddress') });
    // Bundled once for both versions: the rollout is about which worker runs a task, not what code it has.
    ({ code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), workflowInterceptorModules: workflowInterceptorModules(), logger: Runtime.instance().logger }));
  });

  afterAll(async () => {
    for (const w of workers) w.worker.shutdown();
    await Promise.all(workers.map((w) => w.running));
    await native?.close();
    await connection?.close();
    await sim?.close();
  });

  async function startVersion(buildId: string): Promise<void> {
    const { worker, run } = await createSyncWorker({
      connection: native,
      namespace: inject('temporalNamespace'),
      taskQueue,
      labelStudio: new Map([[TEST_CONNECTION, labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken)]]),
      deployment: { deploymentName, buildId },
      tuning: { workflowBundle: { code } },
    });
    workers.push({ worker, running: run() });
  }

  /** What `temporal worker deployment set-current-version` does; the version exists once its worker has polled. */
  async function setCurrent(buildId: string): Promise<void> {
    const request = { namespace: inject('temporalNamespace'), deploymentName, buildId, identity: 'worker-versioning test' };
    await eventually(
      () => client.workflowService.setWorkerDeploymentCurrentVersion(request).then(() => true, () => false),
      (done) => done,
      60_000,
    );
  }

  it('finishes a sync on the version that started it while new syncs run on the new current version', async () => {
    const held = sim.addStorage(HELD);
    const quick = sim.addStorage({ type: 's3', project: 2 });
    const project = 3;
    sim.addProject(project);

    await startVersion('a');
    await setCurrent('a');
    const first = await startSync(client, taskQueue, 's3', held, PATIENT);
    const pipeline = await client.workflow.start(annotationPipeline, {
      taskQueue,
      workflowId: `versioning-pipeline-${randomUUID()}`,
      args: [{ connection: TEST_CONNECTION, project, reconcileEvery: '1s' }],
    });
    await eventually(async () => sim.storage('s3', held)['status'], (status) => status === 'queued');
    expect(await eventually(() => currentVersion(pipeline), (v) => v.buildId !== undefined)).toEqual({ behavior: 'AUTO_UPGRADE', buildId: 'a' });

    // The release: version b starts beside a and becomes current.
    await startVersion('b');
    await setCurrent('b');
    const second = await startSync(client, taskQueue, 's3', quick);
    expect((await second.handle.result()).outcome).toBe('completed');
    expect((await first.handle.describe()).status.name).toBe('RUNNING');
    // The pipeline auto-upgrades: its next workflow task (a reconciliation) runs on b.
    await eventually(() => currentVersion(pipeline), (v) => v.buildId === 'b');
    await pipeline.terminate('test over');

    sim.clock.skip(HOUR); // the held job leaves `queued` and completes
    expect((await first.handle.result()).outcome).toBe('completed');

    const firstTasks = await completedTasks(first.handle);
    const secondTasks = await completedTasks(second.handle);
    expect(secondTasks.map(versionOf)).toEqual(secondTasks.map(() => ({ behavior: 'PINNED', buildId: 'b' })));
    expect(firstTasks.map(versionOf)).toEqual(firstTasks.map(() => ({ behavior: 'PINNED', buildId: 'a' })));
    // The first sync ran workflow tasks after b was current and had run the second sync: all on a.
    const secondStarted = time(secondTasks[0]!);
    expect(firstTasks.filter((e) => time(e) > secondStarted).length).toBeGreaterThan(0);
    expect(await currentVersion(first.handle)).toEqual({ behavior: 'PINNED', buildId: 'a' });
  });
});

const BEHAVIORS: Record<number, string> = { 0: 'UNSPECIFIED', 1: 'PINNED', 2: 'AUTO_UPGRADE' };

async function completedTasks(handle: WorkflowHandle): Promise<Event[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter((e) => e.workflowTaskCompletedEventAttributes);
}

/** The worker version and behaviour a workflow task completed with, as its history records them. */
function versionOf(event: Event): { behavior: string; buildId: string | null | undefined } {
  const a = event.workflowTaskCompletedEventAttributes!;
  return { behavior: BEHAVIORS[a.versioningBehavior ?? 0]!, buildId: a.deploymentVersion?.buildId };
}

/** Where the server has the workflow now (describe's versioningInfo). */
async function currentVersion(handle: WorkflowHandle): Promise<{ behavior: string; buildId: string | null | undefined }> {
  const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
  return { behavior: BEHAVIORS[info?.behavior ?? 0]!, buildId: info?.deploymentVersion?.buildId };
}

function time(event: Event): number {
  const t = event.eventTime!;
  return Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

// Priority by who waits: a sync someone started runs at the interactive task priority, a fan-out's
// storage syncs and scheduled runs at the batch one, and their activities inherit it (the server
// reports the priority it dispatches each pending activity with).
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProjectSync } from '../src/client/project-sync-client';
import { createSyncSchedule, deleteSyncSchedule, triggerSyncSchedule } from '../src/client/schedules';
import { startStorageSync } from '../src/client/sync-client';
import type { LabelStudioSimulator } from '../src/simulator';
import { SYNC_PRIORITY } from '../src/workflows/task-priority';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { FAST } from './helpers/sync-run';
import { TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

/** The priority the server holds for a workflow, once it has started (a child may not have yet). */
async function workflowPriority(client: Client, workflowId: string) {
  for (let i = 0; i < 200; i++) {
    const raw = await client.workflow
      .getHandle(workflowId)
      .describe()
      .then((d) => d.raw, (err: unknown) => (err instanceof WorkflowNotFoundError ? undefined : Promise.reject(err)));
    if (raw) return raw.workflowExecutionInfo?.priority;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${workflowId} did not start`);
}

/** Until every workflow has an activity scheduled (and, with no worker polling activities, waiting). */
async function untilActivityPending(client: Client, workflowIds: string[]): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const pending = await Promise.all(
      workflowIds.map((id) => client.workflow.getHandle(id).describe().then((d) => (d.raw.pendingActivities ?? []).length > 0, () => false)),
    );
    if (pending.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('activities were not scheduled');
}

const longSync = { status: 'completed', queuedMs: 60_000 } as const; // stays queued while the test looks

describe('task priority', () => {
  let sim: LabelStudioSimulator;
  let t: TestTemporal;
  const handles: WorkflowHandle[] = [];

  beforeAll(async () => {
    sim = await startSimulator();
    t = await startWorkerFor(sim);
  });
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.terminate().catch(() => undefined)));
    await t?.close();
    await sim?.close();
  });

  it('runs a sync started from the client at the interactive priority, fair per connection', async () => {
    const id = sim.addStorage({ type: 's3', project: 1, script: [longSync] });
    const { handle } = await startStorageSync(t.client, { connection: TEST_CONNECTION, storageType: 's3', storageId: id, policy: FAST }, { taskQueue: t.taskQueue });
    handles.push(handle);
    expect(await workflowPriority(t.client, handle.workflowId)).toMatchObject({ priorityKey: 2, fairnessKey: TEST_CONNECTION });
  });

  it('runs the storage syncs of a project fan-out at the batch priority, or at the one its input names', async () => {
    const project = 20;
    const id = sim.addStorage({ type: 'gcs', project, script: [longSync] });
    const fanOut = await startProjectSync(t.client, { connection: TEST_CONNECTION, project, policy: FAST }, { taskQueue: t.taskQueue });
    handles.push(fanOut.handle);
    expect(await workflowPriority(t.client, fanOut.workflowId)).toMatchObject({ priorityKey: 2 });
    expect(await workflowPriority(t.client, syncWorkflowId(TEST_CONNECTION, 'gcs', id))).toMatchObject({ priorityKey: 4, fairnessKey: TEST_CONNECTION });

    const urgent = sim.addStorage({ type: 'gcs', project: project + 1, script: [longSync] });
    const second = await startProjectSync(t.client, { connection: TEST_CONNECTION, project: project + 1, policy: FAST, priority: 1 }, { taskQueue: t.taskQueue });
    handles.push(second.handle);
    expect(await workflowPriority(t.client, syncWorkflowId(TEST_CONNECTION, 'gcs', urgent))).toMatchObject({ priorityKey: 1 });
  });

  it('runs a scheduled storage sync at the batch priority: the run and the sync it starts', async () => {
    const id = sim.addStorage({ type: 'azure', project: 30, script: [longSync] });
    const scheduleId = `priority-${TEST_CONNECTION}`;
    await createSyncSchedule(t.client, {
      scheduleId,
      target: { kind: 'storage', input: { connection: TEST_CONNECTION, storageType: 'azure', storageId: id, policy: FAST } },
      spec: { cron: '0 3 * * *' },
      taskQueue: t.taskQueue,
      paused: true,
    });
    try {
      await triggerSyncSchedule(t.client, scheduleId);
      const workflowId = syncWorkflowId(TEST_CONNECTION, 'azure', id);
      expect(await workflowPriority(t.client, workflowId)).toMatchObject({ priorityKey: 4 }); // inherited from the scheduled run
      handles.push(t.client.workflow.getHandle(workflowId));
    } finally {
      await deleteSyncSchedule(t.client, scheduleId);
    }
  });

  it("dispatches an interactive sync's activities ahead of a batch backlog, though they were scheduled last", async () => {
    // One worker runs workflows but no activities, so every sync's first activity waits in the queue;
    // then a worker with one activity slot takes them in the order the server dispatches them.
    const batch = [1, 2, 3, 4].map(() => sim.addStorage({ type: 's3', project: 40, script: [{ status: 'completed' }] }));
    const interactive = sim.addStorage({ type: 'redis', project: 41, script: [{ status: 'completed' }] });
    const workflows = await startWorkerFor(sim, { tuning: { enableNonLocalActivities: false } });
    const start = (storageType: 's3' | 'redis', storageId: number, priority?: number) =>
      startStorageSync(workflows.client, { connection: TEST_CONNECTION, storageType, storageId, policy: FAST }, { taskQueue: workflows.taskQueue, priority });
    let activities: TestTemporal | undefined;
    try {
      const batchSyncs = await Promise.all(batch.map((id) => start('s3', id, SYNC_PRIORITY.batch)));
      await untilActivityPending(workflows.client, batchSyncs.map((s) => s.workflowId));
      const sync = await start('redis', interactive);
      await untilActivityPending(workflows.client, [sync.workflowId]);

      activities = await startWorkerFor(sim, { taskQueue: workflows.taskQueue, tuning: { maxConcurrentActivityTaskExecutions: 1 } });
      await Promise.all([sync, ...batchSyncs].map((s) => s.handle.result()));
      const ours = new Set([...batch.map((id) => `/api/storages/export/s3/${id}/sync`), `/api/storages/export/redis/${interactive}/sync`]);
      const triggered = sim.requests.filter((r) => r.method === 'POST' && ours.has(r.path)).map((r) => r.path);
      expect(triggered).toHaveLength(5);
      expect(triggered[0]).toBe(`/api/storages/export/redis/${interactive}/sync`); // scheduled last, dispatched first: its activities inherit priority 2, the others 4
    } finally {
      await activities?.close();
      await workflows.close();
    }
  });

  it('refuses a priority outside 1 to 5 before anything starts, naming the field', async () => {
    const id = sim.addStorage({ type: 's3', project: 1 });
    await expect(startStorageSync(t.client, { connection: TEST_CONNECTION, storageType: 's3', storageId: id }, { taskQueue: t.taskQueue, priority: 9 })).rejects.toThrow(
      /invalid input: priority must be a whole number from 1 \(runs first\) to 5 \(got 9\)/,
    );
    expect(sim.syncsStarted('s3', id)).toBe(0);
  });
});

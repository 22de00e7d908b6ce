import type { WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelStudioSimulator } from '../src/simulator';
import type { SyncReport } from '../src/workflows/sync-report';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { recordHistory } from './helpers/record-history';
import { startSimulator } from './helpers/simulated-label-studio';
import { runSync } from './helpers/sync-run';
import { labelStudioConnection, startTestWorker, TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

const READ_TIMEOUT_MS = 1_000;
/** A second connection to the same simulator, with a request budget: its syncs trigger and poll in two activities. */
const BUDGETED = `${TEST_CONNECTION}-budgeted`;
const RESPONSE_TIMEOUT_MS = 60_000;

// What a sync writes to history, on a real Temporal server against the simulator: its status set at
// start, and activity timeouts sized from the worker's read timeout for reads and polls, from its
// response timeout for the sync POST.
describe('a sync\'s history', () => {
  let sim: LabelStudioSimulator;
  let t: TestTemporal;

  beforeAll(async () => {
    sim = await startSimulator();
    const connection = labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken);
    const timeouts = { ...connection, responseTimeoutMs: RESPONSE_TIMEOUT_MS, readTimeoutMs: READ_TIMEOUT_MS };
    t = await startTestWorker([timeouts, { ...timeouts, name: BUDGETED, requestsPerSecond: 1_000 }]);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const historyOf = async (id: number, connection = TEST_CONNECTION) =>
    (await t.client.workflow.getHandle(syncWorkflowId(connection, 'gcs_sa', id)).fetchHistory()).events ?? [];
  const scheduled = (events: HistoryEvent[], activity: string) =>
    events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity).map((e) => e.activityTaskScheduledEventAttributes!);

  it('upserts only the outcome when startStorageSync started it with the status running', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', runMs: 500 }] });
    expect((await runSync(t.client, t.taskQueue, 'gcs_sa', id)).outcome).toBe('completed');
    const events = await historyOf(id);
    const statuses = events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.['LabelStudioSyncStatus']);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]!.eventId).toEqual(events.at(-2)!.eventId); // the outcome, just before the workflow completes
    await recordHistory(t.client.workflow.getHandle(syncWorkflowId(TEST_CONNECTION, 'gcs_sa', id)), 'started-running');
  });

  it('checks on the worker, once, the input of a sync no client of ours started; ours only fill defaults', async () => {
    const markers = (events: HistoryEvent[]) => events.filter((e) => e.markerRecordedEventAttributes).map((e) => e.markerRecordedEventAttributes!.markerName);
    const ours = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', runMs: 300 }] });
    expect((await runSync(t.client, t.taskQueue, 'gcs_sa', ours)).outcome).toBe('completed');
    expect(markers(await historyOf(ours))).toEqual(['core_patch', 'core_local_activity']); // the first read's patch and the read, no input check

    const raw = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', runMs: 300 }] });
    const handle = await t.client.workflow.start('syncExportStorage', {
      workflowId: syncWorkflowId(TEST_CONNECTION, 'gcs_sa', raw),
      taskQueue: t.taskQueue,
      args: [{ connection: TEST_CONNECTION, storageType: 'gcs_sa', storageId: raw, policy: { poll: { initial: '1s' } } }],
    });
    expect(((await handle.result()) as SyncReport).outcome).toBe('completed');
    expect(markers(await handle.fetchHistory().then((h) => h.events ?? []))).toEqual(['core_patch', 'core_local_activity', 'core_patch', 'core_local_activity']);
    await recordHistory(handle, 'input-checked-by-worker');
  });

  it('gives the poll a start-to-close of seconds from the read timeout, the trigger one from the response timeout', async () => {
    // an overall timeout longer than both, which the server would clamp them to
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', runMs: 1_500 }] });
    expect((await runSync(t.client, t.taskQueue, 'gcs_sa', id, { timeout: '1h' })).outcome).toBe('completed');
    // without a request budget, one activity triggers and polls: the trigger's start-to-close
    const [folded] = scheduled(await historyOf(id), 'triggerAndAwaitSync');
    expect(tsToMs(folded!.startToCloseTimeout)).toBe(6 * RESPONSE_TIMEOUT_MS + 30_000);

    const budgeted = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', runMs: 1_500 }] });
    expect((await runSync(t.client, t.taskQueue, 'gcs_sa', budgeted, { timeout: '1h' }, BUDGETED)).outcome).toBe('completed');
    const events = await historyOf(budgeted, BUDGETED);
    const [poll] = scheduled(events, 'awaitSyncEnd');
    const [trigger] = scheduled(events, 'triggerSync');
    // two calls (a token exchange and a GET) at the read timeout, and 30 s for the rest
    expect(tsToMs(poll!.startToCloseTimeout)).toBe(2 * READ_TIMEOUT_MS + 30_000);
    expect(tsToMs(trigger!.startToCloseTimeout)).toBe(6 * RESPONSE_TIMEOUT_MS + 30_000);
  });

  it('retries a read that hangs past the read timeout, and the sync goes on', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', runMs: 300 }] });
    const storage = `/api/storages/export/gcs_sa/${id}`;
    sim.injectFault({ kind: 'delay', ms: 3 * READ_TIMEOUT_MS, match: { method: 'GET', path: storage } });
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id);
    expect(report.outcome).toBe('completed');
    const requests = sim.requests.filter((r) => [storage, `${storage}/sync`].includes(r.path.split('?')[0]!));
    const post = requests.findIndex((r) => r.method === 'POST');
    expect(requests.slice(0, post).filter((r) => r.method === 'GET').length).toBe(2); // the hung read, then its retry
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });
});

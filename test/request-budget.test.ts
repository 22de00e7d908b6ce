import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProjectSync } from '../src/client/project-sync-client';
import { awaitSyncReport } from '../src/client/sync-client';
import type { LabelStudioSimulator } from '../src/simulator';
import { budgetedQueue } from '../src/labelstudio/client-registry';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { recordHistory } from './helpers/record-history';
import { startSimulator } from './helpers/simulated-label-studio';
import { FAST, startSync } from './helpers/sync-run';
import { labelStudioConnection, startTestWorker, TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

const BUDGET = 9;

// A Label Studio with a budget of 9 requests per second, and two workers polling its queue: the Temporal
// server dispatches the syncs' calls within it, whichever worker runs them.
describe('request budget', () => {
  let sim: LabelStudioSimulator;
  let a: TestTemporal;
  let b: TestTemporal;

  beforeAll(async () => {
    sim = await startSimulator();
    const connection = { ...labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken), requestsPerSecond: BUDGET };
    a = await startTestWorker([connection]);
    b = await startTestWorker([connection], { taskQueue: a.taskQueue });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await sim?.close();
  });

  it('keeps a burst of syncs within the budget, across two workers, and every sync completes once', async () => {
    const ids = Array.from({ length: 12 }, () => sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', queuedMs: 0, runMs: 1_500 }] }));
    const started = await Promise.all(ids.map((id) => startSync(a.client, a.taskQueue, 'gcs_sa', id)));
    const reports = await Promise.all(started.map((s) => awaitSyncReport(s.handle)));
    expect(reports.map((r) => r.outcome)).toEqual(ids.map(() => 'completed'));
    for (const id of ids) expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    console.log(`request budget: ${sim.requests.length} requests, at most ${sim.peakRequestsPerSecond()} in one second (budget ${BUDGET})`);
    expect(sim.peakRequestsPerSecond()).toBeLessThanOrEqual(BUDGET);
  });

  it('sends every Label Studio call of a sync on the connection\'s queue, the trigger apart from and ahead of the checks', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', runMs: 200 }] });
    const { handle } = await startSync(a.client, a.taskQueue, 'gcs_sa', id);
    await awaitSyncReport(handle);
    const history = await a.client.workflow.getHandle(syncWorkflowId(TEST_CONNECTION, 'gcs_sa', id)).fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
    expect(scheduled.map((s) => [s.activityType?.name, s.taskQueue?.name])).toEqual([
      ['readStorage', budgetedQueue(a.taskQueue, TEST_CONNECTION)],
      ['triggerSync', budgetedQueue(a.taskQueue, TEST_CONNECTION)],
      ['awaitSyncEnd', budgetedQueue(a.taskQueue, TEST_CONNECTION)],
    ]);
    const priorities = scheduled.map((s) => s.priority?.priorityKey ?? 0);
    expect(priorities[1]).toBe(1);
    expect(priorities[2]).not.toBe(1); // the checks inherit the workflow's
    await recordHistory(handle, 'completed-budgeted-apart');
  });

  it('lists a project fan-out\'s storages on the connection\'s queue, its first try naming the queue without a request', async () => {
    const project = 40;
    sim.addStorage({ type: 's3', project, script: [{ status: 'completed', runMs: 200 }] });
    const from = sim.requests.length;
    const report = await runProjectSync(a.client, { connection: TEST_CONNECTION, project, policy: FAST }, { taskQueue: a.taskQueue, workflowId: `fan-out-${TEST_CONNECTION}` });
    expect(report.counts).toMatchObject({ total: 1, succeeded: 1 });
    const history = await a.client.workflow.getHandle(`fan-out-${TEST_CONNECTION}`).fetchHistory();
    const listings = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name === 'listExportStorages' ? [e.activityTaskScheduledEventAttributes] : []));
    expect(listings.map((l) => l.taskQueue?.name)).toEqual([budgetedQueue(a.taskQueue, TEST_CONNECTION)]);
    expect(sim.requests.slice(from).filter((r) => r.path === `/api/storages/export?project=${project}`)).toHaveLength(1);
    await recordHistory(a.client.workflow.getHandle(`fan-out-${TEST_CONNECTION}`), 'fan-out-budgeted');
  });
});

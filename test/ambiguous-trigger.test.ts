import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitSyncReport } from '../src/client/sync-client';
import type { Fault, LabelStudioSimulator } from '../src/simulator';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { recordHistory } from './helpers/record-history';
import { startSimulator } from './helpers/simulated-label-studio';
import { runSync, startSync } from './helpers/sync-run';
import { labelStudioConnection, startTestWorker, TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

// The sync POST answered by something other than Label Studio's own refusal: a gateway's page while
// Label Studio still works on the POST, Label Studio's JSON 500 after it queued the sync, an answer
// cut short or garbled. Each must end in exactly one sync. Short timeouts keep the waits for a POST
// that may still land (twice the response timeout after it was sent) short.
const RESPONSE_TIMEOUT_MS = 3_000;

describe('the sync POST, whatever answers it', () => {
  let sim: LabelStudioSimulator;
  let t: TestTemporal;

  beforeAll(async () => {
    sim = await startSimulator();
    t = await startTestWorker([{ ...labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken), responseTimeoutMs: RESPONSE_TIMEOUT_MS, readTimeoutMs: 500 }]);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const syncPath = (id: number) => `/api/storages/export/gcs_sa/${id}/sync`;
  const onSyncPost = (id: number, fault: Fault) => sim.injectFault({ ...fault, match: { method: 'POST', path: syncPath(id) } });
  const posts = (id: number) => sim.requests.filter((r) => r.method === 'POST' && r.path === syncPath(id));

  it('joins the sync of a POST a gateway gave up on (504 after 1 s) while Label Studio registered it at 4 s', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', runMs: 300 }] });
    onSyncPost(id, { kind: 'gateway', status: 504, answerAfterMs: 1_000, reachAfterMs: 4_000 });
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id);
    expect(report.outcome).toBe('completed');
    expect(report.attempts).toEqual([expect.objectContaining({ mode: 'landed-earlier', syncAttempt: 1, status: 'completed' })]);
    expect(posts(id).map((r) => r.status)).toEqual([504]);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    expect(report.labelStudioSyncs).toEqual({ ran: 1, triggered: 1 });
    expect(report.warnings).toEqual([]);
    await recordHistory(t.client.workflow.getHandle(syncWorkflowId(TEST_CONNECTION, 'gcs_sa', id)), 'gateway-timeout-post-landed-late');
  });

  it('posts again only once a POST the gateway never passed on can no longer land', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', runMs: 300 }] });
    onSyncPost(id, { kind: 'gateway', status: 502, answerAfterMs: 100 });
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id);
    expect(report.outcome).toBe('completed');
    expect(report.attempts).toEqual([expect.objectContaining({ mode: 'triggered', syncAttempt: 1, status: 'completed' })]);
    const [first, second] = posts(id);
    expect([first?.status, second?.status]).toEqual([502, 200]);
    // Settled: twice the response timeout after the first POST left, with reads showing no sync.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(2 * RESPONSE_TIMEOUT_MS);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });

  it.each([
    ["Label Studio's JSON 500", { kind: 'error-after-run', status: 500 }],
    ["the gateway's 503 page", { kind: 'error-after-run', status: 503 }],
    ['a 200 whose body does not parse', { kind: 'garble-response' }],
    ['a 200 cut off halfway through its body', { kind: 'truncate-response' }],
  ] satisfies Array<[string, Fault]>)('joins the sync of a POST Label Studio ran and answered with %s', async (_what, fault) => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', runMs: 300 }] });
    onSyncPost(id, fault);
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id);
    expect(report.outcome).toBe('completed');
    expect(report.attempts).toEqual([expect.objectContaining({ mode: 'landed-earlier', syncAttempt: 1, status: 'completed' })]);
    expect(posts(id)).toHaveLength(1);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    expect(report.labelStudioSyncs).toEqual({ ran: 1, triggered: 1 });
  });

  it("posts again at once after Label Studio's JSON 500 when a read shows no sync was queued", async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', runMs: 300 }] });
    onSyncPost(id, { kind: 'status', status: 500, detail: 'Bucket not found' });
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id);
    expect(report.outcome).toBe('completed');
    expect(report.attempts).toEqual([expect.objectContaining({ mode: 'triggered', syncAttempt: 1, status: 'completed' })]);
    expect(posts(id).map((r) => r.status)).toEqual([500, 200]);
    // Between the two POSTs, the read that proved the 500 had queued nothing.
    const storage = `/api/storages/export/gcs_sa/${id}`;
    const between = sim.requests.filter((r) => r.path === storage && r.at >= posts(id)[0]!.at && r.at <= posts(id)[1]!.at);
    expect(between.length).toBeGreaterThanOrEqual(1);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });

  it('says so when Label Studio ran a sync the workflow did not trigger (another client posted meanwhile)', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', queuedMs: 0, runMs: 100 }] });
    // The workflow's POST is held on the way; another client's POST gets through and its sync ends first.
    onSyncPost(id, { kind: 'hold', ms: 2_500 });
    const { handle } = await startSync(t.client, t.taskQueue, 'gcs_sa', id);
    await expect.poll(() => posts(id).length, { timeout: 30_000, interval: 20 }).toBe(1);
    const other = await fetch(`${sim.url}${syncPath(id)}`, { method: 'POST', headers: { authorization: `Token ${sim.legacyToken}` } });
    expect(other.status).toBe(200);
    const report = await awaitSyncReport(handle);
    expect(report.outcome).toBe('completed');
    expect(report.attempts).toEqual([expect.objectContaining({ mode: 'triggered', syncAttempt: 2, status: 'completed' })]);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(2);
    expect(report.labelStudioSyncs).toEqual({ ran: 2, triggered: 1 });
    expect(report.warnings).toEqual([expect.stringContaining(`Label Studio ran 2 syncs for 1 trigger(s) of gcs_sa storage ${id}`)]);
  });
});

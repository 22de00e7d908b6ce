import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitSyncReport } from '../src/client/sync-client';
import { FailureType } from '../src/failure-types';
import type { LabelStudioSimulator } from '../src/simulator';
import { recordHistory } from './helpers/record-history';
import { startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { runSync, startSync, syncError } from './helpers/sync-run';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { labelStudioConnection, startTestWorker, TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

// syncExportStorage through every branch, on a real Temporal server against the simulator
// (Enterprise behaviour: syncs are queued and end in the background).
describe('syncExportStorage', () => {
  let sim: LabelStudioSimulator;
  let t: TestTemporal;
  const project = 7;

  beforeAll(async () => {
    sim = await startSimulator();
    t = await startWorkerFor(sim);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  /** Keeps the history of the sync of this storage for the replay test (when recording). */
  const keep = (type: Parameters<typeof syncWorkflowId>[1], id: number, name: string) =>
    recordHistory(t.client.workflow.getHandle(syncWorkflowId(TEST_CONNECTION, type, id)), name);

  const requestsTo = (id: number, method?: string) =>
    sim.requests.filter((r) => r.path.split('?')[0]!.includes(`/${id}`) && (!method || r.method === method)).length;

  it('completes a gcs_sa sync and reports it', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, title: 'nightly', script: [{ status: 'completed', count: 12 }] });
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id);
    expect(report.outcome).toBe('completed');
    expect(report.storage).toMatchObject({ type: 'gcs_sa', id, project, title: 'nightly' });
    expect(report.attempts).toHaveLength(1);
    expect(report.attempts[0]).toMatchObject({ attempt: 1, mode: 'triggered', status: 'completed', syncAttempt: 1, lastSyncCount: 12 });
    expect(report.attempts[0]!.lastSyncJob).toEqual(expect.any(String));
    expect(report.attempts[0]!.lastSync).toEqual(expect.any(String));
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    await keep('gcs_sa', id, 'completed');
  });

  it.each(['gcs', 'gcswif', 's3', 's3s', 'azure', 'azure_spi', 'redis', 'localfiles', 'databricks'] as const)(
    'syncs a %s storage through the same route shape',
    async (type) => {
      const id = sim.addStorage({ type, project, script: [{ status: 'completed', queuedMs: 10, runMs: 10 }] });
      const report = await runSync(t.client, t.taskQueue, type, id);
      expect(report.outcome).toBe('completed');
      expect(sim.syncsStarted(type, id)).toBe(1);
    },
  );

  it('warns on completed_with_errors under the warn policy', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed_with_errors', traceback: 'Traceback...\nValueError: 2 objects failed' }] });
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id, { onCompletedWithErrors: 'warn' });
    expect(report.outcome).toBe('completed_with_errors');
    expect(report.warnings.join()).toContain('2 objects failed');
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    await keep('gcs_sa', id, 'completed-with-errors-warn');
  });

  it('fails on completed_with_errors under the fail policy, without retrying', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed_with_errors' }] });
    const err = await syncError(runSync(t.client, t.taskQueue, 'gcs_sa', id, { onCompletedWithErrors: 'fail' }));
    expect(err.failureType).toBe(FailureType.SyncCompletedWithErrors);
    expect(err.report?.outcome).toBe('completed_with_errors');
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });

  it('triggers again on completed_with_errors under the retry policy', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed_with_errors' }, { status: 'completed' }] });
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id, { onCompletedWithErrors: 'retry' });
    expect(report.outcome).toBe('completed');
    expect(report.attempts.map((a) => a.status)).toEqual(['completed_with_errors', 'completed']);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(2);
    await keep('gcs_sa', id, 'completed-with-errors-retry');
  });

  it('retries a failed sync after a durable backoff and then completes', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'failed', traceback: 'Traceback...\nPermissionDenied: 403' }, { status: 'completed' }] });
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id, { maxAttempts: 3 });
    expect(report.outcome).toBe('completed');
    expect(report.attempts.map((a) => [a.status, a.syncAttempt])).toEqual([['failed', 1], ['completed', 2]]);
    expect(report.attempts[0]!.traceback).toContain('PermissionDenied');
    expect(sim.syncsStarted('gcs_sa', id)).toBe(2);
    await keep('gcs_sa', id, 'failed-then-completed');
  });

  it('fails with the last traceback once the attempts run out', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'failed', traceback: 'Traceback...\ngoogle.auth.exceptions.RefreshError: impersonation denied' }] });
    const err = await syncError(runSync(t.client, t.taskQueue, 'gcs_sa', id, { maxAttempts: 3 }));
    expect(err.failureType).toBe(FailureType.SyncFailed);
    expect(err.message).toContain('impersonation denied');
    expect(err.message).toContain('3 time(s)');
    expect(err.report?.attempts).toHaveLength(3);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(3);
    await keep('gcs_sa', id, 'failed-attempts-exhausted');
  });

  it('fails as stalled when a sync sits in queued without progress', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'stuck_queued' }] });
    const err = await syncError(runSync(t.client, t.taskQueue, 'gcs_sa', id, { stallTimeout: '2s' }));
    expect(err.failureType).toBe(FailureType.SyncStalled);
    expect(err.message).toMatch(/stalled: queued with no progress for \d+s \(stall timeout 2s\)/);
    expect(err.report?.attempts[0]?.status).toBe('stalled');
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    await keep('gcs_sa', id, 'stalled');
  });

  it('fails as timed out when the overall timeout passes first, saying the sync may still run', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'stuck_in_progress' }] });
    const err = await syncError(runSync(t.client, t.taskQueue, 'gcs_sa', id, { timeout: '6s', stallTimeout: '1h' }));
    expect(err.failureType).toBe(FailureType.SyncTimedOut);
    expect(err.message).toContain('may still be running');
    expect(err.report?.outcome).toBe('timed_out');
    // The last poll, not the trigger's answer (queued), is what the report shows.
    expect(err.report?.final?.status).toBe('in_progress');
    expect(err.report?.final?.timeInProgress).toEqual(expect.any(String));
    expect(err.message).toContain('the last status was in_progress');
    await keep('gcs_sa', id, 'timed-out-last-poll');
  });

  it.each([
    ['a missing storage (404)', () => ({ type: 'gcs_sa' as const, id: 999_999 }), 'LabelStudio.not_found', 1],
    ['a storage of another organization (403)', () => ({ type: 'gcs_sa' as const, id: sim.addStorage({ type: 'gcs_sa', project: 99, organization: 'other' }) }), 'LabelStudio.forbidden', 1],
    ['a storage that is not synchronizable (400)', () => ({ type: 'gcs_sa' as const, id: sim.addStorage({ type: 'gcs_sa', project, synchronizable: false }) }), 'LabelStudio.not_synchronizable', 2],
  ])('fails fast, without retries, on %s', async (_what, make, failureType, requests) => {
    const { type, id } = make();
    const err = await syncError(runSync(t.client, t.taskQueue, type, id));
    expect(err.failureType).toBe(failureType);
    expect(requestsTo(id)).toBe(requests); // one read (and, for 400, the one refused POST): nothing retried
  });

  it('fails fast on a refused key (401) and says so', async () => {
    const wrong = await startTestWorker([labelStudioConnection(TEST_CONNECTION, sim.url, 'not-the-key-0123456789')]);
    try {
      const id = sim.addStorage({ type: 'gcs_sa', project });
      const err = await syncError(runSync(wrong.client, wrong.taskQueue, 'gcs_sa', id));
      expect(err.failureType).toBe('LabelStudio.unauthorized');
      expect(err.message).toContain('refused the API key');
      expect(requestsTo(id)).toBe(1);
    } finally {
      await wrong.close();
    }
  });

  // These wait on real retry backoff and response timeouts, not the CPU: they run side by side (each on its own
  // storage, with faults matched to its path).
  it.concurrent('recovers from 5xx, 429 with Retry-After and connection resets without a second sync', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed', runMs: 1500 }] });
    const path = new RegExp(`/api/storages/export/gcs_sa/${id}`);
    sim.injectFault({ kind: 'status', status: 503, match: { method: 'GET', path } });
    sim.injectFault({ kind: 'status', status: 429, retryAfter: '3', match: { method: 'POST', path } });
    sim.injectFault({ kind: 'reset', match: { method: 'POST', path } });
    sim.injectFault({ kind: 'status', status: 500, match: { method: 'POST', path } });
    const { handle } = await startSync(t.client, t.taskQueue, 'gcs_sa', id);
    // Once the sync runs, the faults hit the poll instead.
    // The reset POST is waited out (twice the response timeout) before the next try.
    await expect.poll(() => sim.syncsStarted('gcs_sa', id), { timeout: 90_000 }).toBe(1);
    sim.injectFault({ kind: 'status', status: 502, times: 2, match: { method: 'GET', path } });
    sim.injectFault({ kind: 'reset', match: { method: 'GET', path } });
    const report = await awaitSyncReport(handle);
    expect(report.outcome).toBe('completed');
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    const answered = sim.requests.filter((r) => path.test(r.path)).map((r) => `${r.method} ${r.status}`);
    expect(answered.filter((r) => r === 'GET 502')).toHaveLength(2);
    expect(answered.filter((r) => r.startsWith('POST'))).toEqual(['POST 429', 'POST 0', 'POST 500', 'POST 200']);
    // Retry-After: 3 was honoured, not the 1 s the retry policy would have waited.
    const posts = sim.requests.filter((r) => r.method === 'POST' && path.test(r.path));
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(2900);
    await keep('gcs_sa', id, 'transient-errors-recovered');
  });

  it.concurrent('treats a sync POST that keeps answering 500 as a failed attempt, retried per the policy', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed' }] });
    const path = `/api/storages/export/gcs_sa/${id}/sync`;
    // Five quick tries per attempt: the whole first attempt is refused, the second one goes through.
    sim.injectFault({ kind: 'status', status: 500, times: 5, detail: 'Bucket not found', match: { method: 'POST', path } });
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id, { maxAttempts: 2 });
    expect(report.outcome).toBe('completed');
    expect(report.attempts.map((a) => a.status)).toEqual(['failed', 'completed']);
    expect(report.attempts[0]!.traceback).toContain('Bucket not found');
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    await keep('gcs_sa', id, 'trigger-refused-confirmed-then-completed');
  });

  it.concurrent('fails with Label Studio\'s error once every attempt was refused', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project });
    const path = `/api/storages/export/gcs_sa/${id}/sync`;
    sim.injectFault({ kind: 'status', status: 500, times: 10, detail: 'Absolute local path does not exist', match: { method: 'POST', path } });
    const err = await syncError(runSync(t.client, t.taskQueue, 'gcs_sa', id, { maxAttempts: 2 }));
    expect(err.failureType).toBe(FailureType.SyncFailed);
    expect(err.message).toContain('Absolute local path does not exist');
    expect(err.report?.attempts).toHaveLength(2);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(0);
  });

  it.concurrent('does not trigger a second sync when the POST landed but its answer was lost', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed', runMs: 200 }] });
    sim.injectFault({ kind: 'lose-response', match: { method: 'POST', path: `/api/storages/export/gcs_sa/${id}/sync` } });
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id);
    expect(report.outcome).toBe('completed');
    expect(report.attempts[0]).toMatchObject({ mode: 'landed-earlier', syncAttempt: 1 });
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    expect(Number((sim.storage('gcs_sa', id).meta as { attempts: number }).attempts)).toBe(1);
    await keep('gcs_sa', id, 'lost-post-answer');
  });

  it.concurrent('does not guess when the trigger gives up: its POST had landed, so it waits for that sync', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed', runMs: 300 }] });
    const storage = `/api/storages/export/gcs_sa/${id}`;
    sim.injectFault({ kind: 'delay', ms: 0, match: { method: 'GET', path: storage } }); // the baseline read passes
    sim.injectFault({ kind: 'lose-response', match: { method: 'POST', path: `${storage}/sync` } });
    // Every read of the trigger's five tries fails (the first one's several: while and after waiting out its
    // POST), and so do the workflow's own read's first tries; before, the workflow took that as "no sync started".
    sim.injectFault({ kind: 'status', status: 503, times: 12, match: { method: 'GET', path: storage } });
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id);
    expect(report.outcome).toBe('completed');
    expect(report.attempts).toEqual([expect.objectContaining({ attempt: 1, mode: 'landed-earlier', syncAttempt: 1, status: 'completed' })]);
    expect(requestsTo(id, 'POST')).toBe(1);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    await keep('gcs_sa', id, 'trigger-gave-up-post-landed');
  });

  it.concurrent('waits out a POST that Label Studio registers only after the client gave up, instead of posting again', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed', runMs: 300 }] });
    // The test worker waits 10 s for an answer; this POST reaches Label Studio 12 s after it was sent.
    sim.injectFault({ kind: 'hold', ms: 12_000, match: { method: 'POST', path: `/api/storages/export/gcs_sa/${id}/sync` } });
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id);
    expect(report.outcome).toBe('completed');
    expect(report.attempts).toEqual([expect.objectContaining({ mode: 'landed-earlier', syncAttempt: 1, status: 'completed' })]);
    expect(requestsTo(id, 'POST')).toBe(1);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });

  it.concurrent('starts every later attempt from a fresh read: a sync started meanwhile is joined, not doubled', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed', runMs: 300 }] });
    sim.injectFault({ kind: 'status', status: 500, times: 5, detail: 'Bucket not found', match: { method: 'POST', path: `/api/storages/export/gcs_sa/${id}/sync` } });
    const { handle } = await startSync(t.client, t.taskQueue, 'gcs_sa', id, { retryBackoff: { initial: '3s' } });
    await expect.poll(async () => (await handle.query<{ phase: string }>('syncState')).phase, { timeout: 30_000, interval: 100 }).toBe('backing-off');
    const res = await fetch(`${sim.url}/api/storages/export/gcs_sa/${id}/sync`, { method: 'POST', headers: { authorization: `Token ${sim.legacyToken}` } });
    expect(res.status).toBe(200);
    const report = await awaitSyncReport(handle);
    expect(report.outcome).toBe('completed');
    expect(report.attempts.map((a) => [a.mode, a.status, a.syncAttempt])).toEqual([
      ['triggered', 'failed', 0],
      ['landed-earlier', 'completed', 1],
    ]);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    await keep('gcs_sa', id, 'fresh-baseline-joins');
  });

  it('attaches to a sync that is already running instead of starting another', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed', queuedMs: 300, runMs: 2700 }] }); // 3 s for the workflow to start on a busy machine
    const res = await fetch(`${sim.url}/api/storages/export/gcs_sa/${id}/sync`, { method: 'POST', headers: { authorization: `Token ${sim.legacyToken}` } });
    expect(res.status).toBe(200);
    const report = await runSync(t.client, t.taskQueue, 'gcs_sa', id);
    expect(report.outcome).toBe('completed');
    expect(report.attempts[0]).toMatchObject({ mode: 'attached', syncAttempt: 1 });
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    await keep('gcs_sa', id, 'attached');
  });

  it('starts a new sync over a running one when attach is off', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed', queuedMs: 100, runMs: 300 }] });
    await fetch(`${sim.url}/api/storages/export/gcs_sa/${id}/sync`, { method: 'POST', headers: { authorization: `Token ${sim.legacyToken}` } });
    await syncError(runSync(t.client, t.taskQueue, 'gcs_sa', id, { attachToRunning: false, maxAttempts: 1 })).catch(() => undefined);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(2);
  });

  it('joins the workflow already running for the storage: two requests, one sync', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed', runMs: 800 }] });
    const [a, b] = await Promise.all([startSync(t.client, t.taskQueue, 'gcs_sa', id), startSync(t.client, t.taskQueue, 'gcs_sa', id)]);
    expect(a.workflowId).toBe(b.workflowId);
    expect([a.joined, b.joined].sort()).toEqual([false, true]);
    const [ra, rb] = await Promise.all([a.handle.result(), b.handle.result()]);
    expect(ra).toEqual(rb);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });

  it('stops waiting when cancelled and reports that the remote sync may still run', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'stuck_in_progress' }] });
    const { handle } = await startSync(t.client, t.taskQueue, 'gcs_sa', id, { stallTimeout: '1h' });
    await expect.poll(() => sim.syncsStarted('gcs_sa', id), { timeout: 10_000 }).toBe(1);
    expect((await handle.query<{ phase: string }>('syncState')).phase).toBe('syncing'); // triggering and waiting in one activity
    await handle.cancel();
    const err = await syncError(awaitSyncReport(handle));
    expect(err.failureType).toBe('Cancelled');
    expect(err.message).toContain('may still be running');
    expect(err.report?.attempts[0]?.status).toBe('cancelled');
    expect(err.report?.attempts[0]?.syncAttempt).toBe(1); // the last look found the sync its trigger started
    expect(err.report?.labelStudioSyncs).toEqual({ ran: 1, triggered: 1 });
    expect(err.report?.final?.status).toBe('in_progress'); // read at the cancel, not the trigger's queued
    await recordHistory(handle, 'cancelled-last-look');
  });

  it('refuses invalid input at once, naming the field', async () => {
    const handle = await t.client.workflow.start('syncExportStorage', {
      workflowId: `invalid-${TEST_CONNECTION}`,
      taskQueue: t.taskQueue,
      args: [{ storageType: 'gcs_sa', storageId: 3, policy: { poll: { initial: 'soon' } } }],
    });
    const err = await syncError(awaitSyncReport(handle));
    expect(err.failureType).toBe(FailureType.InvalidInput);
    expect(err.message).toContain('policy.poll.initial');
    await recordHistory(handle, 'input-refused-by-worker');
  });
});

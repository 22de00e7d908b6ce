import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectSyncError, runProjectSync, startProjectSync } from '../src/client/project-sync-client';
import { awaitSyncReport, startStorageSync } from '../src/client/sync-client';
import type { LabelStudioSimulator } from '../src/simulator';
import type { SyncProjectExportsInput } from '../src/schema/project-sync-input';
import { PROJECT_SYNC_FAILED } from '../src/workflows/project-sync-report';
import { recordHistory } from './helpers/record-history';
import { rejectionOf } from './helpers/rejection';
import { startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { FAST, syncInput } from './helpers/sync-run';
import { TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

// syncProjectExports on a real Temporal server against the simulator.
describe('syncProjectExports', () => {
  let sim: LabelStudioSimulator;
  let t: TestTemporal;
  let nextProject = 100;

  beforeAll(async () => {
    sim = await startSimulator();
    t = await startWorkerFor(sim);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const fanOut = (input: Omit<SyncProjectExportsInput, 'policy' | 'connection'>, workflowId?: string) =>
    runProjectSync(t.client, { ...input, connection: TEST_CONNECTION, policy: { ...FAST, maxAttempts: 1 } }, { taskQueue: t.taskQueue, workflowId });

  const fanOutError = (promise: Promise<unknown>) => rejectionOf(promise, ProjectSyncError);


  it('reports every storage of a mixed run and keeps to the concurrency bound', async () => {
    const project = nextProject++;
    const run = { queuedMs: 50, runMs: 400 };
    const ok1 = sim.addStorage({ type: 's3', project, title: 'a', script: [{ status: 'completed', count: 5, ...run }] });
    const bad = sim.addStorage({ type: 'gcs', project, title: 'b', script: [{ status: 'failed', traceback: 'Traceback\nPermissionDenied: bucket', ...run }] });
    const ok2 = sim.addStorage({ type: 'azure', project, title: 'c', script: [{ status: 'completed', ...run }] });
    const errs = sim.addStorage({ type: 'redis', project, title: 'd', script: [{ status: 'completed_with_errors', ...run }] });
    const off = sim.addStorage({ type: 'localfiles', project, title: 'e', synchronizable: false });
    const ids = [['s3', ok1], ['gcs', bad], ['azure', ok2], ['redis', errs], ['localfiles', off]] as const;

    let maxRunning = 0;
    const sampler = setInterval(() => {
      const running = ids.filter(([type, id]) => ['queued', 'in_progress'].includes(sim.storage(type, id)['status'] as string)).length;
      maxRunning = Math.max(maxRunning, running);
    }, 10);
    const workflowId = `fan-out-mixed-${TEST_CONNECTION}`;
    const report = await fanOut({ project, concurrency: 2, failOn: 'none' }, workflowId).finally(() => clearInterval(sampler));

    expect(report.outcome).toBe('partial');
    expect(report.counts).toEqual({ total: 5, succeeded: 2, failed: 2, skipped: 1 });
    const byId = new Map(report.storages.map((e) => [e.storage.id, e]));
    expect(byId.get(ok1)).toMatchObject({ result: 'succeeded', joined: false, report: { outcome: 'completed', final: { lastSyncCount: 5 } } });
    expect(byId.get(ok2)).toMatchObject({ result: 'succeeded', report: { outcome: 'completed' } });
    // A failed storage keeps the report its failure carried, traceback included.
    expect(byId.get(bad)).toMatchObject({ result: 'failed', error: { type: 'SyncFailed' }, report: { outcome: 'failed' } });
    expect(byId.get(bad)!.report!.attempts[0]!.traceback).toContain('PermissionDenied');
    expect(byId.get(errs)).toMatchObject({ result: 'failed', error: { type: 'SyncCompletedWithErrors' }, report: { outcome: 'completed_with_errors' } });
    expect(byId.get(off)).toMatchObject({ result: 'skipped', report: null });
    expect(byId.get(ok1)!.workflowId).toBe(`label-studio-sync/${TEST_CONNECTION}/s3/${ok1}`);
    await recordHistory(t.client.workflow.getHandle(workflowId), 'fan-out-listed-locally');
    for (const [type, id] of ids) expect(sim.syncsStarted(type, id)).toBe(type === 'localfiles' ? 0 : 1);
    expect(maxRunning).toBe(2);
  });

  it('fails as a whole under failOn any, with every storage in the report', async () => {
    const project = nextProject++;
    const ok = sim.addStorage({ type: 's3', project, script: [{ status: 'completed' }] });
    const bad = sim.addStorage({ type: 's3', project, script: [{ status: 'failed' }] });
    const err = await fanOutError(fanOut({ project }));
    expect(err.failureType).toBe(PROJECT_SYNC_FAILED);
    expect(err.message).toContain(`1 of 2 export storages of project ${project} failed`);
    expect(err.report?.outcome).toBe('partial');
    expect(err.report?.storages.map((e) => [e.storage.id, e.result])).toEqual([
      [ok, 'succeeded'],
      [bad, 'failed'],
    ]);
  });

  it('joins a sync of a storage already running instead of starting another', async () => {
    const project = nextProject++;
    const busy = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed', runMs: 1500, count: 9 }] });
    const idle = sim.addStorage({ type: 'gcs_sa', project, script: [{ status: 'completed' }] });
    const elsewhere = await startStorageSync(t.client, syncInput('gcs_sa', busy, {}, TEST_CONNECTION), { taskQueue: t.taskQueue });
    await waitFor(() => sim.storage('gcs_sa', busy)['status'] === 'in_progress');

    const report = await fanOut({ project });
    const joined = report.storages.find((e) => e.storage.id === busy)!;
    expect(joined).toMatchObject({ joined: true, result: 'succeeded', workflowId: elsewhere.workflowId });
    expect(joined.report).toEqual(await awaitSyncReport(elsewhere.handle));
    expect(report.storages.find((e) => e.storage.id === idle)).toMatchObject({ joined: false, result: 'succeeded' });
    expect(sim.syncsStarted('gcs_sa', busy)).toBe(1);
    expect(sim.syncsStarted('gcs_sa', idle)).toBe(1);
  });

  it('carries the failure of a joined sync into its entry', async () => {
    const project = nextProject++;
    const busy = sim.addStorage({ type: 's3', project, script: [{ status: 'failed', runMs: 3000, traceback: 'Traceback\nOSError: disk full' }] }); // time for the fan-out to join on a busy machine
    await startStorageSync(t.client, syncInput('s3', busy, { maxAttempts: 1 }, TEST_CONNECTION), { taskQueue: t.taskQueue });
    await waitFor(() => sim.storage('s3', busy)['status'] === 'in_progress');
    const report = await fanOut({ project, failOn: 'none' });
    expect(report.outcome).toBe('failed');
    expect(report.storages[0]).toMatchObject({ joined: true, result: 'failed', error: { type: 'SyncFailed' }, report: { outcome: 'failed' } });
    expect(report.storages[0]!.error!.message).toContain('disk full');
    expect(sim.syncsStarted('s3', busy)).toBe(1);
  });

  it('filters by type, exact title, title pattern and storage ids', async () => {
    const project = nextProject++;
    const script = [{ status: 'completed' as const, queuedMs: 5, runMs: 5 }];
    const nightly = sim.addStorage({ type: 's3', project, title: 'nightly-export', script });
    const weekly = sim.addStorage({ type: 's3', project, title: 'weekly-export', script });
    const gcs = sim.addStorage({ type: 'gcs', project, title: 'nightly-export', script });
    const idsOf = (r: { storages: { storage: { id: number } }[] }) => r.storages.map((e) => e.storage.id);

    expect(idsOf(await fanOut({ project, types: ['s3'] }))).toEqual([nightly, weekly]);
    expect(idsOf(await fanOut({ project, title: 'nightly-export' }))).toEqual([nightly, gcs]);
    expect(idsOf(await fanOut({ project, titlePattern: '^weekly' }))).toEqual([weekly]);
    expect(idsOf(await fanOut({ project, types: ['gcs', 's3'], titlePattern: 'nightly' }))).toEqual([nightly, gcs]);

    const empty = await fanOut({ project, title: 'nothing' });
    expect(empty).toMatchObject({ outcome: 'completed', counts: { total: 0 } });
    expect(empty.warnings[0]).toContain('no export storage');

    const picked = await fanOut({ project, storages: [{ type: 's3', id: weekly }, { type: 's3', id: 99_999 }], failOn: 'none' });
    expect(picked.storages.map((e) => [e.storage.id, e.result])).toEqual([
      [weekly, 'succeeded'],
      [99_999, 'failed'],
    ]);
    expect(picked.storages[1]!.error).toMatchObject({ type: 'LabelStudio.not_found' });
  });

  it('refuses bad input before starting anything', async () => {
    await expect(startProjectSync(t.client, { connection: TEST_CONNECTION, project: 1, titlePattern: '(' }, { taskQueue: t.taskQueue })).rejects.toThrow(/titlePattern is not a valid RE2 regular expression/);
    await expect(startProjectSync(t.client, { connection: TEST_CONNECTION, project: 1, concurrency: 0 }, { taskQueue: t.taskQueue })).rejects.toThrow(/concurrency must be/);
    await expect(startProjectSync(t.client, { connection: TEST_CONNECTION, project: -3 }, { taskQueue: t.taskQueue })).rejects.toThrow(/project must be a positive integer/);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

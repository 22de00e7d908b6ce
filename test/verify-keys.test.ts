// Key-level target verification: the pure parts (Label Studio's task pages, which keys a sync owes, how
// the target's keys compare), then whole syncs on a real Temporal server against the simulator, whose
// task list pages like Label Studio's, with a local folder as the target.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awaitSyncReport } from '../src/client/sync-client';
import { FailureType } from '../src/failure-types';
import { parseTaskPage, type TaskPage } from '../src/labelstudio/project-tasks';
import { resolveSyncInput } from '../src/schema/sync-input';
import { ExportKeyIndex, KeyComparison, type KeyCheck } from '../src/targets/export-keys';
import { judgeTargetKeys } from '../src/workflows/target-verification';
import { recordHistory } from './helpers/record-history';
import { simulatedLabelStudioPerFile } from './helpers/simulated-label-studio';
import { runSync, startSync, syncError } from './helpers/sync-run';

const task = (id: number, ...annotations: Array<[number, string | null]>): TaskPage['tasks'][number] => ({
  id,
  annotations: annotations.map(([annotationId, createdAt]) => ({ id: annotationId, createdAt })),
});
const cost = { labelStudioRequests: 2, targetRequests: 1, durationMs: 5 };

describe('Label Studio task pages', () => {
  it('keeps task and annotation ids and creation times', () => {
    const body = { total: 2, total_annotations: 2, tasks: [{ id: 1, data: {}, annotations: [{ id: 10, created_at: '2026-12-03T07:00:00.123456Z', result: [] }] }, { id: 2, annotations: [] }] };
    expect(parseTaskPage(body)).toEqual({ total: 2, tasks: [task(1, [10, '2026-12-03T07:00:00.123456Z']), task(2)] });
  });

  it.each([
    [[], 'no tasks list'],
    [{ tasks: [] }, 'no tasks list and total'],
    [{ total: 1, tasks: [{ id: 1 }] }, 'fields=all'],
    [{ total: 1, tasks: [{ id: 1, annotations: [{ result: [] }] }] }, 'annotation of task 1 has no id'],
  ])('says what is wrong with %j', (body, problem) => {
    expect(parseTaskPage(body)).toContain(problem);
  });
});

describe('the keys a sync owes and what the target holds', () => {
  const since = '2026-12-03 07:00:00.500000+00:00'; // meta.time_queued, as StorageInfo writes it
  const before = '2026-12-03T07:00:00.400000Z';
  const after = '2026-12-03T07:00:01.000000Z';

  it('expects the annotations made before the sync was queued, by annotation id; later ones are neither missing nor stale', () => {
    const index = new ExportKeyIndex('annotation', since);
    index.add([task(1, [10, before], [11, after]), task(2, [12, null])]);
    expect([...index.expected].sort()).toEqual(['10', '12']); // no creation time: expected, not skipped
    const comparison = new KeyComparison(index);
    comparison.add(['10', '11', '99']);
    comparison.add(['10', 'nested/1']); // a key listed twice counts once
    expect(comparison.result('folder "x"', cost)).toEqual({
      target: 'folder "x"',
      layout: 'annotation',
      since,
      expected: 2,
      found: 1,
      missing: 1,
      missingKeys: ['12'],
      stale: 2,
      cost,
    });
  });

  it('names objects per task where Label Studio writes one per task, with or without .json', () => {
    const tasks = [task(1, [10, before], [11, before]), task(2), task(3, [12, before])];
    const json = new ExportKeyIndex('task.json', null);
    json.add(tasks);
    expect([...json.expected]).toEqual(['1.json', '3.json']); // a task without annotations is not exported
    const bare = new ExportKeyIndex('task', null);
    bare.add(tasks);
    expect([...bare.expected]).toEqual(['1', '3']);
  });

  it('names the first 20 missing keys in id order and counts the rest', () => {
    const index = new ExportKeyIndex('annotation', null);
    index.add(Array.from({ length: 30 }, (_, i) => task(i + 1, [30 - i, null])));
    const checked = new KeyComparison(index).result('folder "x"', cost);
    expect(checked.missing).toBe(30);
    expect(checked.missingKeys).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
    const verdict = judgeTargetKeys('warn', checked);
    expect(verdict).toMatchObject({ check: 'keys', status: 'shortfall', expected: 30, found: 0, missing: 30 });
    expect(verdict.message).toContain('lacks 30 of the 30 key(s) the sync should have written: 1, 2, 3');
    expect(verdict.message).toContain('20 and 10 more');
  });

  it('passes a target with every key, mentioning stale ones', () => {
    const checked: KeyCheck = { target: 't', layout: 'annotation', since: null, expected: 2, found: 2, missing: 0, missingKeys: [], stale: 1, cost };
    expect(judgeTargetKeys('strict', checked)).toMatchObject({ status: 'verified', stale: 1, message: 't holds all 2 key(s) the sync should have written; 1 other key(s) there name no annotation of the project' });
  });

  it('is chosen with policy.verifyBy, count by default', () => {
    expect(resolveSyncInput({ storageType: 'gcs_sa', storageId: 1 }).verifyBy).toBe('count');
    expect(resolveSyncInput({ storageType: 'gcs_sa', storageId: 1, policy: { verifyBy: 'keys' } }).verifyBy).toBe('keys');
    expect(() => resolveSyncInput({ storageType: 'gcs_sa', storageId: 1, policy: { verifyBy: 'names' as never } })).toThrow(/policy\.verifyBy.*count, keys/);
  });
});

describe('syncs verified key by key (simulator, real Temporal)', () => {
  const env = simulatedLabelStudioPerFile();
  const folders: string[] = [];
  afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

  /** A project of `n` annotations and a localfiles storage whose folder holds the export of all but the first, and one stale object. */
  function lostOneBehindAStaleObject(project: number, n: number) {
    const ids = env.sim.annotate(project, n);
    const folder = mkdtempSync(join(tmpdir(), 'verify-keys-'));
    folders.push(folder);
    for (const id of ids.slice(1)) writeFileSync(join(folder, String(id)), '{}');
    writeFileSync(join(folder, '999999'), '{}'); // left by an annotation deleted long ago
    const id = env.sim.addStorage({ type: 'localfiles', project, script: [{ status: 'completed', count: n }], fields: { path: folder } });
    return { ids, id };
  }

  it('names the object a count misses when a stale one stands in for it, over several pages of tasks', async () => {
    const { ids, id } = lostOneBehindAStaleObject(41, 600); // 3 pages of Label Studio's task list
    const counted = await runSync(env.t.client, env.t.taskQueue, 'localfiles', id, { verifyTarget: 'strict' });
    expect(counted.verification).toMatchObject({ check: 'count', status: 'verified', expected: 600, found: 600 });

    const { handle } = await startSync(env.t.client, env.t.taskQueue, 'localfiles', id, { verifyTarget: 'warn', verifyBy: 'keys' });
    const report = await awaitSyncReport(handle);
    expect(report.outcome).toBe('completed');
    expect(report.verification).toMatchObject({ check: 'keys', status: 'shortfall', expected: 600, found: 599, missing: 1, missingKeys: [String(ids[0])], stale: 1 });
    expect(report.verification?.keys).toMatchObject({ layout: 'annotation', cost: { labelStudioRequests: 4, targetRequests: 1 } });
    expect(report.verification?.keys?.since).toEqual(expect.any(String));
    expect(report.warnings.join('\n')).toContain(`lacks 1 of the 600 key(s) the sync should have written: ${ids[0]}; 1 other key(s)`);
    await recordHistory(handle, 'verify-keys-shortfall');
  });

  it('fails a strict sync with a TargetShortfall naming the missing key, and passes once it is there', async () => {
    const { ids, id } = lostOneBehindAStaleObject(42, 3);
    const err = await syncError(runSync(env.t.client, env.t.taskQueue, 'localfiles', id, { verifyTarget: 'strict', verifyBy: 'keys' }));
    expect(err.failureType).toBe(FailureType.TargetShortfall);
    expect(err.message).toContain(`lacks 1 of the 3 key(s) the sync should have written: ${ids[0]}`);
    expect(err.report?.attempts.map((a) => a.status)).toEqual(['completed']);

    const folder = env.sim.storage('localfiles', id).path as string;
    writeFileSync(join(folder, String(ids[0])), '{}');
    const report = await runSync(env.t.client, env.t.taskQueue, 'localfiles', id, { verifyTarget: 'strict', verifyBy: 'keys' });
    expect(report.verification).toMatchObject({ check: 'keys', status: 'verified', expected: 3, found: 3, missing: 0, stale: 1 });
  });

  it('reports a target it cannot list as unverified, without failing a warn sync', async () => {
    env.sim.annotate(43, 2);
    const id = env.sim.addStorage({ type: 'localfiles', project: 43, script: [{ status: 'completed', count: 2 }], fields: { path: '/nonexistent/verify-keys' } });
    const report = await runSync(env.t.client, env.t.taskQueue, 'localfiles', id, { verifyTarget: 'warn', verifyBy: 'keys' });
    expect(report.outcome).toBe('completed');
    expect(report.verification).toMatchObject({ check: 'keys', status: 'unverified', found: null });
    expect(report.verification?.message).toMatch(/could not list the keys at the target: localfiles storage \d+: ENOENT/);
  });
});

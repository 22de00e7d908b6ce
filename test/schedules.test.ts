import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCron } from '../src/client/cron';
import { InvalidScheduleError } from '../src/client/invalid-schedule';
import {
  backfillSyncSchedule,
  createSyncSchedule,
  deleteSyncSchedule,
  describeSyncSchedule,
  listSyncSchedules,
  pauseSyncSchedule,
  triggerSyncSchedule,
  unpauseSyncSchedule,
  updateSyncSchedule,
  type CreateSyncScheduleOptions,
} from '../src/client/schedules';
import type { LabelStudioSimulator } from '../src/simulator';
import type { ProjectSyncReport } from '../src/workflows/project-sync-report';
import { PROJECT_KEY, STORAGE_KEY, SYNC_STATUS } from '../src/workflows/search-attributes';
import type { SyncReport } from '../src/workflows/sync-report';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { startStorageSync } from '../src/client/sync-client';
import { startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { FAST, syncInput } from './helpers/sync-run';
import { TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

const VALID_CRONS = [
  '0 3 * * *',
  '*/15 9-17 * * MON-FRI',
  '0 0 1 jan,JUL *',
  '0 12 * * sunday',
  '@daily',
  '@every 6h',
  '@every 1d/2h',
  'TZ=Europe/Berlin 0 3 * * *',
  '30 0 3 * * * 2030',
  '0 3 * * * 2030',
  '0 3 * * * # nightly',
  '0 3 * * 7',
];

describe('cron check', () => {
  it.each(VALID_CRONS)(
    'accepts %s',
    (cron) => expect(checkCron(cron).problem).toBeUndefined(),
  );

  it.each([
    ['61 * * * *', /minute field "61": "61" is not a number from 0 to 59/],
    ['* * *', /has 3 fields/],
    ['0 25 * * *', /hour field/],
    ['0 3 * * FUNDAY', /day-of-week field "FUNDAY"/],
    ['5-1 * * * *', /ends before it starts/],
    ['*/0 * * * *', /step "0"/],
    ['0 3 * * * 1999', /year field/],
    ['@sometimes', /unknown shorthand/],
    ['@every soon', /@every interval/],
    ['0 3 ? * *', /day-of-month field "\?"/],
  ])('refuses %s', (cron, reason) => expect(checkCron(cron).problem).toMatch(reason));
});

// Schedules on a real Temporal server, their runs syncing against the simulator.
describe('sync schedules', () => {
  let sim: LabelStudioSimulator;
  let t: TestTemporal;
  const created: string[] = [];
  let nextProject = 300;

  beforeAll(async () => {
    sim = await startSimulator();
    t = await startWorkerFor(sim);
  });
  afterAll(async () => {
    for (const id of created) await deleteSyncSchedule(t.client, id).catch(() => undefined);
    await t?.close();
    await sim?.close();
  });

  const newId = () => `test-schedule-${randomUUID()}`;
  async function create(options: Omit<CreateSyncScheduleOptions, 'taskQueue'>) {
    const handle = await createSyncSchedule(t.client, { ...options, taskQueue: t.taskQueue });
    created.push(options.scheduleId);
    return handle;
  }
  async function exists(scheduleId: string): Promise<boolean> {
    return t.client.schedule
      .getHandle(scheduleId)
      .describe()
      .then(
        () => true,
        (err: unknown) => (err instanceof ScheduleNotFoundError ? false : Promise.reject(err)),
      );
  }
  /** The workflow id of the schedule's run number `n` (1-based), once the schedule took it. */
  async function nthRun(scheduleId: string, n: number): Promise<string> {
    for (let i = 0; i < 200; i++) {
      const { recentRuns } = await describeSyncSchedule(t.client, scheduleId);
      if (recentRuns.length >= n) return recentRuns[n - 1]!.workflowId;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`schedule ${scheduleId} took no run #${n}`);
  }

  it('creates a storage schedule, triggers it and reads the run’s report back', async () => {
    const project = nextProject++;
    const id = sim.addStorage({ type: 's3', project, title: 'nightly', script: [{ status: 'completed', count: 4 }] });
    const scheduleId = newId();
    await create({
      scheduleId,
      target: { kind: 'storage', input: syncInput('s3', id, {}, TEST_CONNECTION), project },
      spec: { cron: '0 3 * * *', timezone: 'Europe/Berlin', jitter: '5m' },
      catchupWindow: '1h',
    });

    const view = await describeSyncSchedule(t.client, scheduleId);
    expect(view).toMatchObject({
      workflowType: 'scheduledStorageSync',
      taskQueue: t.taskQueue,
      overlap: 'SKIP',
      catchupWindowMs: 3_600_000,
      paused: false,
      spec: { calendars: ['0 0 3 * * * *'], timezone: 'Europe/Berlin', jitterMs: 300_000 },
      target: { kind: 'storage', connection: TEST_CONNECTION, project, storageType: 's3', storageId: id },
    });
    expect(view.nextRuns.length).toBeGreaterThan(0);
    const raw = await t.client.schedule.getHandle(scheduleId).describe();
    expect(raw.typedSearchAttributes.get(STORAGE_KEY)).toBe(`${TEST_CONNECTION}/s3/${id}`);
    expect(raw.typedSearchAttributes.get(PROJECT_KEY)).toBe(`${TEST_CONNECTION}/${project}`);

    const triggered = await triggerSyncSchedule(t.client, scheduleId);
    const workflowId = await nthRun(scheduleId, 1);
    expect(triggered?.workflowId).toBe(workflowId);
    expect(workflowId.startsWith(scheduleId)).toBe(true);
    const report = (await t.client.workflow.getHandle(workflowId).result()) as SyncReport;
    expect(report).toMatchObject({ outcome: 'completed', storage: { type: 's3', id, project, title: 'nightly' } });
    expect(report.final?.lastSyncCount).toBe(4);
    expect(sim.syncsStarted('s3', id)).toBe(1);
    const run = await t.client.workflow.getHandle(workflowId).describe();
    expect(run.typedSearchAttributes.get(STORAGE_KEY)).toBe(`${TEST_CONNECTION}/s3/${id}`);
    expect(run.memo?.labelStudio).toMatchObject({ kind: 'storage', storageId: id });
    // The run synced the storage under the storage's own workflow id, which carries the outcome.
    const storageRun = await t.client.workflow.getHandle(syncWorkflowId(TEST_CONNECTION, 's3', id)).describe();
    expect(storageRun.typedSearchAttributes.get(SYNC_STATUS)).toBe('completed');
  });

  it('joins a sync of the storage started by hand instead of starting a second one', async () => {
    const id = sim.addStorage({ type: 'gcs', project: nextProject++, script: [{ status: 'completed', runMs: 2500, count: 6 }] });
    const scheduleId = newId();
    await create({ scheduleId, target: { kind: 'storage', input: syncInput('gcs', id, {}, TEST_CONNECTION) }, spec: { cron: '0 3 * * *' } });
    const manual = await startStorageSync(t.client, syncInput('gcs', id, {}, TEST_CONNECTION), { taskQueue: t.taskQueue });
    await triggerSyncSchedule(t.client, scheduleId);
    const scheduled = (await t.client.workflow.getHandle(await nthRun(scheduleId, 1)).result()) as SyncReport;
    expect(scheduled).toEqual(await manual.handle.result());
    expect(scheduled.attempts).toHaveLength(1);
    expect(sim.syncsStarted('gcs', id)).toBe(1);
  });

  it('skips a trigger while the last run still goes, under the default overlap policy', async () => {
    const project = nextProject++;
    const id = sim.addStorage({ type: 'azure', project, script: [{ status: 'completed', runMs: 3000 }] });
    const scheduleId = newId();
    await create({ scheduleId, target: { kind: 'storage', input: syncInput('azure', id, {}, TEST_CONNECTION) }, spec: { cron: '0 3 * * *' } });
    const first = await triggerSyncSchedule(t.client, scheduleId);
    expect(first).not.toBeNull();
    expect(await triggerSyncSchedule(t.client, scheduleId, { waitMs: 1500 })).toBeNull();
    await t.client.workflow.getHandle(first!.workflowId).result();
    const view = await describeSyncSchedule(t.client, scheduleId);
    expect(view.counts).toMatchObject({ taken: 1, skippedOverlap: 1 });
    expect(sim.syncsStarted('azure', id)).toBe(1);
  });

  it('runs a project fan-out from a calendar schedule', async () => {
    const project = nextProject++;
    const a = sim.addStorage({ type: 'gcs', project, script: [{ status: 'completed' }] });
    const b = sim.addStorage({ type: 'azure', project, script: [{ status: 'completed' }] });
    const scheduleId = newId();
    await create({
      scheduleId,
      target: { kind: 'project', input: { connection: TEST_CONNECTION, project, policy: FAST } },
      spec: { calendars: [{ hour: 2, minute: 30, dayOfWeek: ['MONDAY', { start: 'WEDNESDAY', end: 'FRIDAY' }] }], timezone: 'America/New_York' },
    });
    const view = await describeSyncSchedule(t.client, scheduleId);
    expect(view.spec.calendars).toEqual(['0 30 2 * * MON,WED-FRI *']);
    expect(view.target).toMatchObject({ kind: 'project', project, storageType: null });

    await triggerSyncSchedule(t.client, scheduleId);
    const report = (await t.client.workflow.getHandle(await nthRun(scheduleId, 1)).result()) as ProjectSyncReport;
    expect(report).toMatchObject({ outcome: 'completed', project, counts: { total: 2, succeeded: 2 } });
    expect(sim.syncsStarted('gcs', a)).toBe(1);
    expect(sim.syncsStarted('azure', b)).toBe(1);
  });

  it('updates, pauses, unpauses, lists, backfills and deletes', async () => {
    const project = nextProject++;
    const id = sim.addStorage({ type: 'redis', project, script: [{ status: 'completed', queuedMs: 5, runMs: 5 }] });
    const scheduleId = newId();
    await create({ scheduleId, target: { kind: 'storage', input: syncInput('redis', id, {}, TEST_CONNECTION), project }, spec: { cron: '0 3 * * *' } });

    await updateSyncSchedule(t.client, scheduleId, { cron: '15 * * * *', overlap: 'buffer-all', catchupWindow: '2h', timezone: 'Asia/Tokyo' });
    let view = await describeSyncSchedule(t.client, scheduleId);
    expect(view).toMatchObject({ overlap: 'BUFFER_ALL', catchupWindowMs: 7_200_000, spec: { calendars: ['0 15 * * * * *'], timezone: 'Asia/Tokyo' } });

    // A bad change is refused whole: the good overlap change beside it is not applied either.
    await expect(updateSyncSchedule(t.client, scheduleId, { overlap: 'skip', cron: '0 3 * * * * * *' })).rejects.toThrow(InvalidScheduleError);
    expect((await describeSyncSchedule(t.client, scheduleId)).overlap).toBe('BUFFER_ALL');

    await pauseSyncSchedule(t.client, scheduleId, 'bucket migration');
    expect(await describeSyncSchedule(t.client, scheduleId)).toMatchObject({ paused: true, note: 'bucket migration' });
    await unpauseSyncSchedule(t.client, scheduleId);
    expect((await describeSyncSchedule(t.client, scheduleId)).paused).toBe(false);

    // Listing is eventually consistent: wait for the schedule to show up under its project.
    let listed: Awaited<ReturnType<typeof listSyncSchedules>> = [];
    for (let i = 0; i < 100 && !listed.some((s) => s.scheduleId === scheduleId); i++) {
      listed = await listSyncSchedules(t.client, { project });
      if (!listed.some((s) => s.scheduleId === scheduleId)) await new Promise((r) => setTimeout(r, 200));
    }
    expect(listed.map((s) => s.scheduleId)).toEqual([scheduleId]);
    expect(listed[0]).toMatchObject({ workflowType: 'scheduledStorageSync', target: { storageId: id } });

    // Two due times (01:15 and 02:15 Tokyo) fall in this window: two runs, one after the other.
    await backfillSyncSchedule(t.client, scheduleId, { start: new Date('2026-01-01T01:00:00+09:00'), end: new Date('2026-01-01T02:30:00+09:00') });
    const first = await nthRun(scheduleId, 1);
    const second = await nthRun(scheduleId, 2);
    expect(((await t.client.workflow.getHandle(first).result()) as SyncReport).outcome).toBe('completed');
    expect(((await t.client.workflow.getHandle(second).result()) as SyncReport).outcome).toBe('completed');
    view = await describeSyncSchedule(t.client, scheduleId);
    expect(view.counts.taken).toBe(2);
    expect(sim.syncsStarted('redis', id)).toBe(2);

    await deleteSyncSchedule(t.client, scheduleId);
    expect(await exists(scheduleId)).toBe(false);
  });

  it('creates what the local check accepts: it is not stricter than the server', async () => {
    for (const cron of VALID_CRONS) {
      const scheduleId = newId();
      await create({ scheduleId, target: { kind: 'storage', input: syncInput('s3', 1, {}, TEST_CONNECTION) }, spec: { cron }, paused: true });
      expect(await exists(scheduleId)).toBe(true);
    }
  });

  it.each([
    ['an invalid cron', { spec: { cron: '0 3 * * * * * *' } }, 'spec.cron[0]', /has 8 fields/],
    ['a cron value out of range', { spec: { cron: '0 24 * * *' } }, 'spec.cron[0]', /hour field "24"/],
    ['an unknown time zone', { spec: { cron: '0 3 * * *', timezone: 'Mars/Olympus_Mons' } }, 'spec.timezone', /not a known IANA time zone/],
    ['an unknown TZ= prefix', { spec: { cron: 'TZ=Nowhere 0 3 * * *' } }, 'spec.cron[0] (TZ=)', /not a known IANA time zone/],
    ['a bad jitter', { spec: { cron: '0 3 * * *', jitter: 'a while' } }, 'spec.jitter', /must be a duration/],
    ['a negative jitter', { spec: { cron: '0 3 * * *', jitter: -5 } }, 'spec.jitter', /must be a duration/],
    ['a calendar value out of range', { spec: { calendars: [{ hour: 24 }] } }, 'spec.calendars[0].hour', /from 0 to 23/],
    ['a misspelt day', { spec: { calendars: [{ dayOfWeek: 'MONDEY' }] } }, 'spec.calendars[0].dayOfWeek', /one of SUNDAY/],
    ['no times at all', { spec: {} }, 'spec', /at least one cron expression or calendar/],
    ['an unknown overlap policy', { overlap: 'sometimes' }, 'overlap', /must be one of skip, buffer-one/],
    ['a tiny catch-up window', { catchupWindow: '1s' }, 'catchupWindow', /at least 10s/],
    ['a bad workflow input', { target: { kind: 'storage', input: { storageType: 'ftp', storageId: 1 } } }, 'target.input.storageType', /must be one of/],
    ['a bad fan-out input', { target: { kind: 'project', input: { project: 1, titlePattern: '[' } } }, 'target.input.titlePattern', /not a valid RE2 regular expression/],
  ] as const)('refuses %s with the reason, creating nothing', async (_what, change, field, reason) => {
    const scheduleId = newId();
    const options = {
      scheduleId,
      target: { kind: 'storage', input: syncInput('s3', 1, {}, TEST_CONNECTION) },
      spec: { cron: '0 3 * * *' },
      ...change,
    } as CreateSyncScheduleOptions;
    const err = await create(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidScheduleError);
    expect((err as InvalidScheduleError).field).toBe(field);
    expect((err as InvalidScheduleError).message).toMatch(reason);
    expect(await exists(scheduleId)).toBe(false);
  });
});

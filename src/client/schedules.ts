import { isGrpcServiceError, type Client, type ScheduleHandle, type ScheduleOptions, type WorkflowStartOptions } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../config/task-queue';
import { z } from '../schema/zod';
import type { Duration } from '../schema/duration';
import { text, wholeNumber } from '../schema/fields';
import { strictObject } from '../schema/strict-object';
import { InvalidScheduleError } from './invalid-schedule';
import { parseSchedule } from './parse-schedule';
import { catchupWindowSchema, checkOverlap, compileSpec, type OverlapName, type SyncScheduleSpec } from './schedule-spec';
import { compileTarget, MEMO_KEY, type ScheduleTarget } from './schedule-target';
import { describeView, isSyncSchedule, summaryView, type ScheduledRun, type SyncScheduleSummary, type SyncScheduleView } from './schedule-view';
import { inputCheckedMemo } from '../workflows/input-checked-memo';
import { MAX_PRIORITY_KEY, SYNC_PRIORITY, taskPriority } from '../workflows/task-priority';

const scheduleOptionFields = {
  /** What to do when a run is due while the previous one still runs; default skip. */
  overlap: z.custom<OverlapName>((v) => typeof v === 'string', { error: 'must be a string such as skip' }).optional(), // checkOverlap names the choices
  /** After an outage, runs missed by at most this long still start (at least 10s); Temporal's default otherwise. */
  catchupWindow: catchupWindowSchema.optional(),
  /** Pause the schedule when a run fails; default false. */
  pauseOnFailure: z.boolean({ error: 'must be true or false' }).optional(),
};

export const createSyncScheduleOptionsSchema = strictObject({
  scheduleId: z.string({ error: 'must be a string' }).regex(/^[^\s]{1,200}$/, { error: 'must be 1 to 200 characters without spaces' }),
  target: z.custom<ScheduleTarget>(), // compileTarget checks it with the workflow's own schema
  spec: z.custom<SyncScheduleSpec>(), // compileSpec checks it with scheduleSpecSchema and the cron grammar
  ...scheduleOptionFields,
  paused: z.boolean({ error: 'must be true or false' }).optional(),
  note: z.string({ error: 'must be a string' }).max(1000, { error: 'must be at most 1000 characters' }).optional(),
  taskQueue: text('name a task queue').optional(),
  /** Tag the schedule and its runs with the package's search attributes; default true. */
  searchAttributes: z.boolean({ error: 'must be true or false' }).optional(),
  /**
   * Temporal task priority of each run, 1 (first) to 5 (last); default 4, behind syncs someone waits
   * for. A project schedule's storage syncs take `target.input.priority` (also 4 by default).
   */
  priority: wholeNumber(1, MAX_PRIORITY_KEY).optional(),
});

/** Changes to a schedule; what is absent stays. `cron`/`calendars` replace all of the schedule's times. */
export const syncScheduleChangesSchema = strictObject({
  // The times are checked by compileSpec, as on create.
  cron: z.custom<SyncScheduleSpec['cron']>().optional(),
  calendars: z.custom<SyncScheduleSpec['calendars']>().optional(),
  timezone: z.custom<SyncScheduleSpec['timezone']>().optional(),
  jitter: z.custom<Duration>().optional(),
  ...scheduleOptionFields,
});

export type CreateSyncScheduleOptions = z.input<typeof createSyncScheduleOptionsSchema>;
export type SyncScheduleChanges = z.input<typeof syncScheduleChangesSchema>;

/**
 * Creates a Temporal Schedule running syncExportStorage or syncProjectExports. Everything is checked
 * first (spec, time zone, jitter, policies, the workflow input): a bad value throws
 * InvalidScheduleError and nothing is created.
 */
export async function createSyncSchedule(client: Client, options: CreateSyncScheduleOptions): Promise<ScheduleHandle> {
  const compiled = compileSyncSchedule(options);
  return refusedAsInvalid(() => client.schedule.create(compiled));
}

/** The checks and translation createSyncSchedule does before calling the server; throws InvalidScheduleError. */
export function compileSyncSchedule(given: CreateSyncScheduleOptions): ScheduleOptions {
  const options = parseSchedule(createSyncScheduleOptionsSchema, given);
  const target = compileTarget(options.target);
  const spec = compileSpec(options.spec);
  const overlap = checkOverlap(options.overlap ?? 'skip');
  const catchupWindow = options.catchupWindow;
  const memo = { [MEMO_KEY]: target.memo };
  const typedSearchAttributes = options.searchAttributes === false ? undefined : target.searchAttributes;
  return {
    scheduleId: options.scheduleId,
    spec,
    action: {
      type: 'startWorkflow',
      workflowType: target.workflowType,
      args: target.args,
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      // Temporal appends each run's scheduled time to this id.
      workflowId: options.scheduleId,
      memo: { ...memo, ...inputCheckedMemo }, // compileTarget checked the input
      typedSearchAttributes,
      // The SDK sends an action's priority (schedule-helpers.js) though its 1.24 type leaves the field out.
      ...({ priority: taskPriority(target.memo.connection, options.priority ?? SYNC_PRIORITY.batch) } satisfies Pick<WorkflowStartOptions, 'priority'>),
    },
    policies: { overlap, catchupWindow, pauseOnFailure: options.pauseOnFailure ?? false },
    state: { paused: options.paused ?? false, note: options.note },
    memo,
    typedSearchAttributes,
  };
}

/** The schedules this package created (those with its memo), optionally of one project. */
export async function listSyncSchedules(client: Client, filter: { connection?: string; project?: number } = {}): Promise<SyncScheduleSummary[]> {
  const found: SyncScheduleSummary[] = [];
  for await (const s of client.schedule.list()) {
    if (!isSyncSchedule(s.memo)) continue;
    const view = summaryView(s);
    if (filter.project !== undefined && view.target?.project !== filter.project) continue;
    if (filter.connection !== undefined && view.target?.connection !== filter.connection) continue;
    found.push(view);
  }
  return found;
}

export async function describeSyncSchedule(client: Client, scheduleId: string): Promise<SyncScheduleView> {
  return describeView(await client.schedule.getHandle(scheduleId).describe());
}

/** Applies the changes after checking them all; nothing changes when one is bad. */
export async function updateSyncSchedule(client: Client, scheduleId: string, given: SyncScheduleChanges): Promise<void> {
  const changes = parseSchedule(syncScheduleChangesSchema, given);
  const times = changes.cron !== undefined || changes.calendars !== undefined;
  const spec = times ? compileSpec({ cron: changes.cron, calendars: changes.calendars, timezone: changes.timezone, jitter: changes.jitter }) : undefined;
  if (!times && changes.timezone !== undefined) compileSpec({ cron: '@daily', timezone: changes.timezone });
  const jitter = changes.jitter === undefined ? undefined : compileSpec({ cron: '@daily', jitter: changes.jitter }).jitter;
  const overlap = changes.overlap === undefined ? undefined : checkOverlap(changes.overlap);
  const catchupWindow = changes.catchupWindow;
  await refusedAsInvalid(() =>
    client.schedule.getHandle(scheduleId).update((previous) => ({
      ...previous,
      spec: {
        ...previous.spec,
        ...(spec ? { calendars: spec.calendars ?? [], cronExpressions: spec.cronExpressions ?? [], intervals: [] } : {}),
        ...(changes.timezone !== undefined ? { timezone: changes.timezone } : {}),
        ...(jitter !== undefined ? { jitter } : {}),
      },
      policies: {
        ...previous.policies,
        ...(overlap ? { overlap } : {}),
        ...(catchupWindow !== undefined ? { catchupWindow } : {}),
        ...(changes.pauseOnFailure !== undefined ? { pauseOnFailure: changes.pauseOnFailure } : {}),
      },
      state: { paused: previous.state.paused, note: previous.state.note, remainingActions: previous.state.remainingActions },
    })),
  );
}

export function pauseSyncSchedule(client: Client, scheduleId: string, note?: string): Promise<void> {
  return client.schedule.getHandle(scheduleId).pause(note);
}

export function unpauseSyncSchedule(client: Client, scheduleId: string, note?: string): Promise<void> {
  return client.schedule.getHandle(scheduleId).unpause(note);
}

/**
 * Starts a run now, by default under the schedule's own overlap policy (so a sync still running is
 * not doubled; the SDK's default would be allow-all). Resolves with the run once the schedule took
 * it, or null when none came within `waitMs` (e.g. skipped because the previous run still goes).
 */
export async function triggerSyncSchedule(
  client: Client,
  scheduleId: string,
  options: { overlap?: OverlapName; waitMs?: number } = {},
): Promise<ScheduledRun | null> {
  const overlap = options.overlap === undefined ? undefined : checkOverlap(options.overlap);
  const handle = client.schedule.getHandle(scheduleId);
  const before = await handle.describe();
  await handle.trigger(overlap ?? before.policies.overlap);
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  while (Date.now() < deadline) {
    const now = await handle.describe();
    if (now.info.numActionsTaken > before.info.numActionsTaken) return describeView(now).recentRuns.at(-1) ?? null;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return null;
}

/** Takes the runs the schedule would have taken between start and end, now. */
export async function backfillSyncSchedule(client: Client, scheduleId: string, window: { start: Date; end: Date; overlap?: OverlapName }): Promise<void> {
  const { start, end } = window;
  if (!(start instanceof Date) || Number.isNaN(start.getTime())) throw new InvalidScheduleError('backfill.start', 'must be a valid date');
  if (!(end instanceof Date) || Number.isNaN(end.getTime())) throw new InvalidScheduleError('backfill.end', 'must be a valid date');
  if (end <= start) throw new InvalidScheduleError('backfill.end', 'must be after backfill.start');
  const overlap = window.overlap === undefined ? undefined : checkOverlap(window.overlap, 'backfill.overlap');
  await client.schedule.getHandle(scheduleId).backfill({ start, end, overlap });
}

export function deleteSyncSchedule(client: Client, scheduleId: string): Promise<void> {
  return client.schedule.getHandle(scheduleId).delete();
}

const GRPC_INVALID_ARGUMENT = 3;

/**
 * The server checks the spec again; what it refuses becomes the same typed error. The SDK reports
 * an invalid spec (its own encoding checks or the server's answer) as a TypeError.
 */
async function refusedAsInvalid<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof TypeError) throw new InvalidScheduleError('spec', `refused by Temporal: ${err.message}`);
    const grpc = [err, (err as Error)?.cause].find(isGrpcServiceError);
    if (grpc?.code === GRPC_INVALID_ARGUMENT) {
      throw new InvalidScheduleError('spec', `refused by the Temporal server: ${grpc.details}`);
    }
    throw err;
  }
}

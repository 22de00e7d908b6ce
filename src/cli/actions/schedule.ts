import {
  backfillSyncSchedule,
  deleteSyncSchedule,
  describeSyncSchedule,
  listSyncSchedules,
  pauseSyncSchedule,
  triggerSyncSchedule,
  unpauseSyncSchedule,
  updateSyncSchedule,
} from '../../client/schedules';
import { InvalidScheduleError } from '../../client/invalid-schedule';
import type { OverlapName } from '../../client/schedule-spec';
import { exitOnBadInput } from '../bad-input';
import { calendarsFrom, type ScheduleSpecFlags } from '../commands/schedule-spec-options';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { formatSchedule, formatScheduleLine } from '../format-schedule';
import { withServer } from '../server-session';
import type { TemporalSession } from '../temporal-session';

/** Runs the action on the server; its exit code, or 3 for a bad or unknown schedule. */
function onServer(run: (session: TemporalSession) => Promise<ExitCodeValue>): Promise<ExitCodeValue> {
  return exitOnBadInput(() => withServer(run));
}

function print(json: boolean | undefined, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}

export function listSchedules(o: { project?: string; connection?: string; json?: boolean }): Promise<ExitCodeValue> {
  return onServer(async ({ client }) => {
    const schedules = await listSyncSchedules(client, { project: o.project === undefined ? undefined : Number(o.project), connection: o.connection });
    print(o.json, schedules, schedules.map(formatScheduleLine).join('\n') || 'no schedules');
    return ExitCode.Ok;
  });
}

export function describeSchedule(scheduleId: string, o: { json?: boolean }): Promise<ExitCodeValue> {
  return onServer(async ({ client }) => {
    const view = await describeSyncSchedule(client, scheduleId);
    print(o.json, view, formatSchedule(view));
    return ExitCode.Ok;
  });
}

export function updateSchedule(scheduleId: string, flags: ScheduleSpecFlags & { json?: boolean }): Promise<ExitCodeValue> {
  return onServer(async ({ client }) => {
    await updateSyncSchedule(client, scheduleId, {
      cron: flags.cron,
      calendars: calendarsFrom(flags),
      timezone: flags.timezone,
      jitter: flags.jitter,
      overlap: flags.overlap,
      catchupWindow: flags.catchupWindow,
      pauseOnFailure: flags.pauseOnFailure,
    });
    const view = await describeSyncSchedule(client, scheduleId);
    process.stdout.write(flags.json ? `${JSON.stringify(view, null, 2)}\n` : `updated ${formatSchedule(view)}\n`);
    return ExitCode.Ok;
  });
}

export function pauseSchedule(name: 'pause' | 'unpause', scheduleId: string, o: { note?: string; json?: boolean }): Promise<ExitCodeValue> {
  return onServer(async ({ client }) => {
    await (name === 'pause' ? pauseSyncSchedule : unpauseSyncSchedule)(client, scheduleId, o.note);
    print(o.json, { scheduleId, [name === 'pause' ? 'paused' : 'unpaused']: true }, `${name}d ${scheduleId}`);
    return ExitCode.Ok;
  });
}

export function triggerSchedule(scheduleId: string, o: { overlap?: OverlapName; json?: boolean }): Promise<ExitCodeValue> {
  return onServer(async ({ client }) => {
    const run = await triggerSyncSchedule(client, scheduleId, { overlap: o.overlap });
    const human = run ? `started ${run.workflowId}` : 'no run started within 10s (the overlap policy may have skipped it: a run is still going)';
    print(o.json, { scheduleId, workflowId: run?.workflowId ?? null }, human);
    return ExitCode.Ok;
  });
}

export function backfillSchedule(scheduleId: string, o: { start: string; end: string; overlap?: OverlapName; json?: boolean }): Promise<ExitCodeValue> {
  return exitOnBadInput(() => {
    const [start, end] = [dateFlag('--start', o.start), dateFlag('--end', o.end)]; // checked before the server is contacted
    return withServer(async ({ client }) => {
      await backfillSyncSchedule(client, scheduleId, { start, end, overlap: o.overlap });
      print(o.json, { scheduleId, start: start.toISOString(), end: end.toISOString() }, `backfilling ${scheduleId} from ${start.toISOString()} to ${end.toISOString()}`);
      return ExitCode.Ok;
    });
  });
}

export function deleteSchedule(scheduleId: string, o: { json?: boolean }): Promise<ExitCodeValue> {
  return onServer(async ({ client }) => {
    await deleteSyncSchedule(client, scheduleId);
    print(o.json, { scheduleId, deleted: true }, `deleted ${scheduleId}`);
    return ExitCode.Ok;
  });
}

function dateFlag(flag: string, text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new InvalidScheduleError(flag, `is not a date (got ${JSON.stringify(text)}); use ISO 8601, e.g. 2026-01-01T00:00:00Z`);
  return date;
}

import { DAYS_OF_WEEK, MONTHS, type CalendarSpec, type ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import { parseDuration, type Duration } from '../workflows/duration';
import { checkCron } from './cron';
import { InvalidScheduleError } from './invalid-schedule';

/** When a schedule runs: cron strings and/or calendar specs, in one time zone, with optional jitter. */
export interface SyncScheduleSpec {
  cron?: string | string[];
  calendars?: CalendarSpec[];
  /** IANA zone, e.g. Europe/Berlin; default UTC. */
  timezone?: string;
  /** Each run starts up to this much later, at random: spreads many nightly schedules. */
  jitter?: Duration;
}

/** Overlap policy names, as the SDK spells them or lower case with - or _ (skip, buffer-one, …). */
export type OverlapName = ScheduleOverlapPolicy | 'skip' | 'buffer-one' | 'buffer-all' | 'cancel-other' | 'terminate-other' | 'allow-all';

const OVERLAPS = ['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'TERMINATE_OTHER', 'ALLOW_ALL'] as const;
/** Temporal does not take a catch-up window below 10 s. */
const MIN_CATCHUP_MS = 10_000;

/** Validates the spec and compiles it for the SDK; throws InvalidScheduleError naming the field. */
export function compileSpec(spec: SyncScheduleSpec | undefined): ScheduleSpec {
  if (typeof spec !== 'object' || spec === null) throw new InvalidScheduleError('spec', 'is required: give cron or calendars');
  const cron = spec.cron === undefined ? [] : Array.isArray(spec.cron) ? spec.cron : [spec.cron];
  const calendars = spec.calendars ?? [];
  if (cron.length === 0 && calendars.length === 0) throw new InvalidScheduleError('spec', 'needs at least one cron expression or calendar');
  if (spec.timezone !== undefined) checkTimezone(spec.timezone, 'spec.timezone');
  cron.forEach((expression, i) => checkCronExpression(expression, `spec.cron[${i}]`, spec.timezone));
  calendars.forEach((calendar, i) => checkCalendar(calendar, `spec.calendars[${i}]`));
  return {
    cronExpressions: cron.length ? cron : undefined,
    calendars: calendars.length ? calendars : undefined,
    timezone: spec.timezone,
    jitter: spec.jitter === undefined ? undefined : checkDuration(spec.jitter, 'spec.jitter'),
  };
}

export function checkOverlap(overlap: string, field = 'overlap'): ScheduleOverlapPolicy {
  const normalized = String(overlap).toUpperCase().replace(/-/g, '_');
  const found = OVERLAPS.find((o) => o === normalized);
  if (!found) throw new InvalidScheduleError(field, `must be one of ${OVERLAPS.map((o) => o.toLowerCase().replace(/_/g, '-')).join(', ')} (got ${JSON.stringify(overlap)})`);
  return found;
}

export function checkCatchupWindow(window: Duration, field = 'catchupWindow'): number {
  const ms = checkDuration(window, field);
  if (ms < MIN_CATCHUP_MS) throw new InvalidScheduleError(field, `must be at least 10s (got ${JSON.stringify(window)})`);
  return ms;
}

export function checkDuration(value: Duration, field: string): number {
  try {
    return parseDuration(value, field);
  } catch {
    throw new InvalidScheduleError(field, `must be a duration such as 30s, 5m, 2h or a number of milliseconds (got ${JSON.stringify(value)})`);
  }
}

/** Node's ICU knows the same IANA zones as the server's Go tzdata; a zone it lacks would never fire right. */
function checkTimezone(zone: string, field: string): void {
  try {
    if (typeof zone !== 'string' || zone.trim() === '') throw new RangeError();
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new InvalidScheduleError(field, `is not a known IANA time zone such as UTC, Europe/Berlin or America/New_York (got ${JSON.stringify(zone)})`);
  }
}

function checkCronExpression(expression: string, field: string, timezone: string | undefined): void {
  if (typeof expression !== 'string') throw new InvalidScheduleError(field, 'must be a string');
  const { problem, zone } = checkCron(expression);
  if (problem) throw new InvalidScheduleError(field, `${JSON.stringify(expression)} ${problem}`);
  if (zone !== undefined) {
    checkTimezone(zone, `${field} (TZ=)`);
    if (timezone !== undefined) throw new InvalidScheduleError(field, 'has a TZ= prefix and spec.timezone is set too: give the zone once');
  }
}

type CalendarField = Exclude<keyof CalendarSpec, 'comment'>;

const CALENDAR_BOUNDS: Record<CalendarField, { min: number; max: number; names?: readonly string[] }> = {
  second: { min: 0, max: 59 },
  minute: { min: 0, max: 59 },
  hour: { min: 0, max: 23 },
  dayOfMonth: { min: 1, max: 31 },
  month: { min: 0, max: 0, names: MONTHS },
  year: { min: 2000, max: 2100 },
  dayOfWeek: { min: 0, max: 0, names: DAYS_OF_WEEK },
};

function checkCalendar(calendar: CalendarSpec, field: string): void {
  if (typeof calendar !== 'object' || calendar === null) throw new InvalidScheduleError(field, 'must be an object');
  for (const key of Object.keys(calendar)) {
    if (key === 'comment') continue;
    const bounds = CALENDAR_BOUNDS[key as CalendarField];
    if (!bounds) throw new InvalidScheduleError(`${field}.${key}`, `is not a calendar field (use ${Object.keys(CALENDAR_BOUNDS).join(', ')})`);
    const value = calendar[key as CalendarField];
    if (value === '*') continue;
    const ranges = Array.isArray(value) ? value : [value];
    for (const range of ranges) {
      const parts = typeof range === 'object' && range !== null ? [range.start, range.end ?? range.start] : [range];
      for (const part of parts) {
        const ok = bounds.names ? bounds.names.includes(part as string) : Number.isInteger(part) && (part as number) >= bounds.min && (part as number) <= bounds.max;
        if (!ok) {
          const expected = bounds.names ? `one of ${bounds.names.join(', ')}` : `a whole number from ${bounds.min} to ${bounds.max}`;
          throw new InvalidScheduleError(`${field}.${key}`, `must be ${expected}, a {start, end, step} range of them, a list, or "*" (got ${JSON.stringify(part)})`);
        }
      }
    }
  }
}

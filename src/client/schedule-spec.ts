import { DAYS_OF_WEEK, MONTHS, type CalendarSpec, type ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import { z } from '../schema/zod';
import { duration } from '../schema/duration';
import { strictObject } from '../schema/strict-object';
import { checkCron } from './cron';
import { impossibleDate, type FieldValues } from './impossible-date';
import { InvalidScheduleError } from './invalid-schedule';
import { parseSchedule } from './parse-schedule';

/** Overlap policy names, as the SDK spells them or lower case with - or _ (skip, buffer-one, …). */
export type OverlapName = ScheduleOverlapPolicy | 'skip' | 'buffer-one' | 'buffer-all' | 'cancel-other' | 'terminate-other' | 'allow-all';

const OVERLAPS = ['SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'TERMINATE_OTHER', 'ALLOW_ALL'] as const;

/** Each run starts up to this much later, at random: spreads many nightly schedules. */
export const jitterSchema = duration('0ms', '1d');
/** After an outage, runs missed by at most this long still start. */
export const catchupWindowSchema = duration('10s', '365d', 'Temporal does not take a catch-up window below 10s');

const calendarValue = z.unknown().optional(); // checked by checkCalendar, which names the allowed values per field
/** One calendar: the SDK's CalendarSpec, its keys checked here (a typo names the closest field). */
const calendarSchema = strictObject({
  second: calendarValue,
  minute: calendarValue,
  hour: calendarValue,
  dayOfMonth: calendarValue,
  month: calendarValue,
  year: calendarValue,
  dayOfWeek: calendarValue,
  comment: z.string({ error: 'must be a string' }).optional(),
});

/** When a schedule runs: cron strings and/or calendar specs, in one time zone, with optional jitter. */
export const scheduleSpecSchema = strictObject({
  cron: z.union([z.string(), z.array(z.string())], { error: 'must be a cron string or a list of them' }).optional(),
  calendars: z.array(calendarSchema, { error: 'must be a list of calendar specs' }).optional(),
  /** IANA zone, e.g. Europe/Berlin; default UTC. */
  timezone: z.string({ error: 'must be an IANA time zone such as UTC or Europe/Berlin' }).optional(),
  jitter: jitterSchema.optional(),
});

export type SyncScheduleSpec = Omit<z.input<typeof scheduleSpecSchema>, 'calendars'> & { calendars?: CalendarSpec[] };

/** Validates the spec and compiles it for the SDK; throws InvalidScheduleError naming the field. */
export function compileSpec(given: SyncScheduleSpec | undefined): ScheduleSpec {
  if (given === undefined) throw new InvalidScheduleError('spec', 'is required: give cron or calendars');
  const spec = parseSchedule(scheduleSpecSchema, given, 'spec');
  const cron = spec.cron === undefined ? [] : Array.isArray(spec.cron) ? spec.cron : [spec.cron];
  const calendars = (spec.calendars ?? []) as CalendarSpec[];
  if (cron.length === 0 && calendars.length === 0) throw new InvalidScheduleError('spec', 'needs at least one cron expression or calendar');
  if (spec.timezone !== undefined) checkTimezone(spec.timezone, 'spec.timezone');
  cron.forEach((expression, i) => checkCronExpression(expression, `spec.cron[${i}]`, spec.timezone));
  calendars.forEach((calendar, i) => checkCalendar(calendar, `spec.calendars[${i}]`));
  return {
    cronExpressions: cron.length ? cron : undefined,
    calendars: calendars.length ? calendars : undefined,
    timezone: spec.timezone,
    jitter: spec.jitter,
  };
}

export function checkOverlap(overlap: string, field = 'overlap'): ScheduleOverlapPolicy {
  const normalized = String(overlap).toUpperCase().replace(/-/g, '_');
  const found = OVERLAPS.find((o) => o === normalized);
  if (!found) throw new InvalidScheduleError(field, `must be one of ${OVERLAPS.map((o) => o.toLowerCase().replace(/_/g, '-')).join(', ')} (got ${JSON.stringify(overlap)})`);
  return found;
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

interface CalendarBounds {
  min: number;
  max: number;
  names?: readonly string[];
}

const CALENDAR_BOUNDS: Record<CalendarField, CalendarBounds> = {
  second: { min: 0, max: 59 },
  minute: { min: 0, max: 59 },
  hour: { min: 0, max: 23 },
  dayOfMonth: { min: 1, max: 31 },
  month: { min: 0, max: 0, names: MONTHS },
  year: { min: 2000, max: 2100 },
  dayOfWeek: { min: 0, max: 0, names: DAYS_OF_WEEK },
};

/** Checks each field's values and that the calendar can fire at all (no 30 February); the keys are checked by calendarSchema. */
function checkCalendar(calendar: CalendarSpec, field: string): void {
  const values: Partial<Record<CalendarField, FieldValues>> = {};
  for (const key of Object.keys(CALENDAR_BOUNDS) as CalendarField[]) {
    if (calendar[key] !== undefined) values[key] = calendarValues(calendar[key], CALENDAR_BOUNDS[key], `${field}.${key}`);
  }
  // Temporal's defaults: dayOfMonth, month and year unset mean every one.
  const problem = impossibleDate(values.dayOfMonth ?? '*', values.month ?? '*', values.year ?? '*');
  if (problem) throw new InvalidScheduleError(`${field}.dayOfMonth`, problem);
}

/** The numbers a calendar field selects (names as 1-based positions), or `*`. */
function calendarValues(value: CalendarSpec[CalendarField], bounds: CalendarBounds, field: string): FieldValues {
  if (value === '*') return '*';
  const selected = new Set<number>();
  for (const range of Array.isArray(value) ? value : [value]) {
    const { start, end = start, step = 1 } = typeof range === 'object' && range !== null ? range : { start: range };
    const [first, last] = [start, end].map((part) => {
      const n = calendarNumber(part, bounds);
      if (n !== undefined) return n;
      const expected = bounds.names ? `one of ${bounds.names.join(', ')}` : `a whole number from ${bounds.min} to ${bounds.max}`;
      throw new InvalidScheduleError(field, `must be ${expected}, a {start, end, step} range of them, a list, or "*" (got ${JSON.stringify(part)})`);
    });
    if (!(Number.isInteger(step) && step >= 1)) throw new InvalidScheduleError(field, `has a step that is not a whole number of at least 1 (got ${JSON.stringify(step)})`);
    for (let v = first!; v <= last!; v += step) selected.add(v);
  }
  return selected;
}

function calendarNumber(part: unknown, bounds: CalendarBounds): number | undefined {
  if (bounds.names) return bounds.names.includes(part as string) ? bounds.names.indexOf(part as string) + 1 : undefined;
  return Number.isInteger(part) && (part as number) >= bounds.min && (part as number) <= bounds.max ? (part as number) : undefined;
}

import { impossibleDate, type FieldValues } from './impossible-date';

/**
 * Checks a cron string against the grammar Temporal's server accepts (schedules' cron parser), so a
 * bad one is refused with a precise reason before a request is sent:
 *   [TZ=<zone> | CRON_TZ=<zone>] (<5, 6 or 7 fields> | @yearly … @hourly | @every <interval>[/<phase>]) [# comment]
 * 5 fields: minute hour day-of-month month day-of-week; 6 adds year; 7 puts second first.
 * A day-of-month that never falls in the months (and years) given, such as 30 February, is refused too.
 * Returns the problem, or undefined when the string is valid; `zone` is the TZ= prefix, if any.
 */
export function checkCron(expression: string): { problem?: string; zone?: string } {
  let rest = expression.trim();
  let zone: string | undefined;
  const tz = /^(?:CRON_)?TZ=(\S*)\s+(.*)$/s.exec(rest);
  if (tz) {
    zone = tz[1]!;
    rest = tz[2]!;
  }
  rest = rest.split('#')[0]!.trim();
  if (rest.startsWith('@every')) {
    return { zone, problem: /^@every\s+(\d+[smhd])+(\/(\d+[smhd])+)?$/.test(rest) ? undefined : 'has a bad @every interval (use e.g. @every 6h or @every 1d/2h)' };
  }
  if (rest.startsWith('@')) {
    return { zone, problem: PREDEFINED.includes(rest) ? undefined : `uses an unknown shorthand ${rest} (use one of ${PREDEFINED.join(', ')})` };
  }
  const fields = rest.split(/\s+/).filter(Boolean);
  const layout = LAYOUTS[fields.length];
  if (!layout) return { zone, problem: `has ${fields.length} fields; use 5 (minute hour day-of-month month day-of-week), 6 (… year) or 7 (second … year)` };
  const values = new Map<FieldRule, FieldValues>();
  for (let i = 0; i < fields.length; i++) {
    const parsed = parseField(fields[i]!, layout[i]!);
    if ('problem' in parsed) return { zone, problem: `has a bad ${layout[i]!.name} field ${JSON.stringify(fields[i])}: ${parsed.problem}` };
    values.set(layout[i]!, parsed.values);
  }
  return { zone, problem: impossibleDate(values.get(DAY_OF_MONTH)!, values.get(MONTH)!, values.get(YEAR) ?? '*') };
}

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const PREDEFINED = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const SECOND: FieldRule = { name: 'second', min: 0, max: 59 };
const MINUTE: FieldRule = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldRule = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldRule = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldRule = { name: 'month', min: 1, max: 12, names: MONTH_NAMES };
// 7 is Sunday too, as in most crons.
const DAY_OF_WEEK: FieldRule = { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES };
const YEAR: FieldRule = { name: 'year', min: 2000, max: 2100 };

const LAYOUTS: Record<number, FieldRule[]> = {
  5: [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK],
  6: [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR],
  7: [SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR],
};

/** The field's values, or the problem with it. `a/s` runs from a to the field's maximum, as in Temporal. */
function parseField(field: string, rule: FieldRule): { values: FieldValues } | { problem: string } {
  if (field === '*') return { values: '*' };
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined) return { problem: `"${part}" has more than one /` };
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return { problem: `step "${step}" must be a whole number of at least 1` };
    const bounds = range === '*' ? [String(rule.min), String(rule.max)] : range!.split('-');
    if (bounds.length > 2) return { problem: `"${range}" is not a value or a range a-b` };
    const ends: number[] = [];
    for (const bound of bounds) {
      const value = parseValue(bound, rule);
      if (value === undefined) return { problem: `"${bound}" is not ${describe(rule)}` };
      ends.push(value);
    }
    const [first, last = step === undefined ? first! : rule.max] = ends;
    if (last < first!) return { problem: `range "${range}" ends before it starts` };
    for (let v = first!; v <= last; v += Number(step ?? 1)) values.add(v);
  }
  return { values };
}

function parseValue(text: string, rule: FieldRule): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= rule.min && n <= rule.max ? n : undefined;
  }
  const lower = text.toLowerCase();
  const index = rule.names?.findIndex((name) => lower === name || lower === FULL_NAMES[name]) ?? -1;
  if (index < 0) return undefined;
  return rule === MONTH ? index + 1 : index;
}

const FULL_NAMES: Record<string, string> = Object.fromEntries(
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map(
    (full) => [full.slice(0, 3), full],
  ),
);

function describe(rule: FieldRule): string {
  const names = rule.names ? ` or a name (${rule.names.join(', ')})` : '';
  return `a number from ${rule.min} to ${rule.max}${names}`;
}

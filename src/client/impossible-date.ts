/** A field's values, or `*` for all of them. */
export type FieldValues = ReadonlySet<number> | '*';

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * Why no date has one of these days of the month in one of these months (and years), e.g.
 * 30 February or 31 April; undefined when some date does. Temporal accepts such specs and then
 * never runs them, so they are refused up front.
 */
export function impossibleDate(days: FieldValues, months: FieldValues, years: FieldValues): string | undefined {
  if (days === '*') return undefined;
  const monthList = months === '*' ? MONTH_NAMES.map((_, i) => i + 1) : [...months];
  const leapYear = years === '*' || [...years].some(isLeap);
  for (const month of monthList) {
    for (const day of days) {
      if (day <= DAYS_IN_MONTH[month - 1]! && !(month === 2 && day === 29 && !leapYear)) return undefined;
    }
  }
  const dayText = [...days].join(', ');
  const monthText = monthList.map((m) => MONTH_NAMES[m - 1]).join(', ');
  const leapNote = monthList.includes(2) && days.has(29) ? ' (29 February only in leap years, and none is among the years given)' : '';
  return `never runs: day ${dayText} does not occur in ${monthText}${leapNote}`;
}

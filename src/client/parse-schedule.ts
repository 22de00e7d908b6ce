import type { z } from 'zod';
import { firstProblem } from '../schema/first-problem';
import { InvalidScheduleError } from './invalid-schedule';

/** Parses schedule options with `schema`; throws InvalidScheduleError for the first problem, its field under `prefix`. */
export function parseSchedule<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const { field, problem } = firstProblem(parsed.error);
  throw new InvalidScheduleError(prefix && field === 'input' ? prefix : `${prefix}${prefix ? '.' : ''}${field}`, problem);
}

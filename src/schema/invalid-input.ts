import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { FailureType } from '../failure-types';
import { firstProblem } from './first-problem';

/** The non-retryable InvalidInput failure every input check throws; `details[0].field` names the field. */
export function invalidInput(field: string, problem: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: `invalid input: ${field} ${problem}`,
    type: FailureType.InvalidInput,
    nonRetryable: true,
    details: [{ field }],
  });
}

/**
 * Parses `value` with `schema`; throws invalidInput for its first problem, never echoing the
 * top-level fields named in `secret`. Deterministic, so workflows use it too.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, secret: readonly string[] = []): z.output<S> {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const { field, problem } = firstProblem(parsed.error, secret);
  throw invalidInput(field, problem);
}

/** The field and problem of an InvalidInput failure (to report it under another name), or undefined for any other error. */
export function problemOf(err: unknown): { field: string; problem: string } | undefined {
  if (!(err instanceof ApplicationFailure && err.type === FailureType.InvalidInput)) return undefined;
  const field = (err.details?.[0] as { field?: string } | undefined)?.field ?? 'input';
  return { field, problem: err.message.replace(`invalid input: ${field} `, '') };
}

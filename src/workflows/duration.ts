import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../failure-types';

/** Milliseconds, or a string such as "500ms", "30s", "5m", "2h", "1d". */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function invalidInput(field: string, problem: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: `invalid input: ${field} ${problem}`,
    type: FailureType.InvalidInput,
    nonRetryable: true,
    details: [{ field }],
  });
}

export function parseDuration(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
    if (m) return Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  throw invalidInput(field, `must be a duration such as 30s, 5m, 2h or a number of milliseconds (got ${JSON.stringify(value)})`);
}

import { msToNumber } from '@temporalio/common/lib/time';
import { z } from './zod';

/** Milliseconds, or a string as Temporal reads durations (the `ms` package): "500ms", "30s", "5m", "2h", "1d". */
export type Duration = number | string;

const HELP = 'must be a duration such as 30s, 5m, 2h or a number of milliseconds';

/**
 * A duration in [min, max], both given as durations, read into milliseconds. `minWhy` explains a
 * lower bound that is not obvious. Strings are trimmed, then parsed exactly as Temporal's own options are.
 */
export function duration(min: Duration, max: Duration, minWhy?: string) {
  const [minMs, maxMs] = [toMs(min)!, toMs(max)!];
  return z.union([z.number(), z.string()], { error: HELP }).transform((value, ctx) => {
    const ms = toMs(value);
    const fail = (message: string) => {
      ctx.issues.push({ code: 'custom', message, input: value });
      return z.NEVER;
    };
    if (ms === undefined || ms < 0) return fail(HELP);
    if (ms < minMs) return fail(`must be at least ${min}${minWhy ? `: ${minWhy}` : ''}`);
    if (ms > maxMs) return fail(`must be at most ${max}`);
    return ms;
  });
}

function toMs(value: Duration): number | undefined {
  try {
    const ms = msToNumber(typeof value === 'string' ? (value.trim() as Parameters<typeof msToNumber>[0]) : value);
    return Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined; // msToNumber throws a TypeError for text it cannot read
  }
}

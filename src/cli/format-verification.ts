import type { TargetVerification } from '../workflows/target-verification';

/** One line for the report's target check, when the sync ran with one. */
export function formatVerification(v: TargetVerification | undefined): string | undefined {
  return v && `  target check (${v.policy}${v.check === 'keys' ? ', by keys' : ''}): ${v.status}: ${v.message}`;
}

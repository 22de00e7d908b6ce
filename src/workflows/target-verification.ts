// Judging a target count against what Label Studio says it wrote. Pure: runs inside the workflow.
import type { TargetCount } from '../targets/target-count';

/** What the workflow found at the target after the sync; in the report when a verification policy is on. */
export interface TargetVerification {
  policy: 'warn' | 'strict';
  /** verified: at least as many objects as Label Studio synced; shortfall: fewer; unverified: could not count or compare. */
  status: 'verified' | 'shortfall' | 'unverified';
  /** Where the objects were counted, e.g. `gcs bucket "b" under "exports/"`; null when counting failed. */
  target: string | null;
  /** Label Studio's last_sync_count for the sync. */
  expected: number | null;
  found: number | null;
  /** expected − found when positive, else 0; null when unknown. */
  missing: number | null;
  message: string;
}

/**
 * More objects than expected is normal: Label Studio writes each annotation when it is saved, and keeps
 * objects of deleted annotations. Fewer means some writes failed, which Label Studio does not report.
 */
export function judgeTargetCount(policy: 'warn' | 'strict', expected: number | null, counted: TargetCount): TargetVerification {
  const base = { policy, target: counted.target, expected, found: counted.objects };
  if (expected === null) {
    return { ...base, status: 'unverified', missing: null, message: `Label Studio reported no count for the sync; ${counted.target} holds ${counted.objects} object(s)` };
  }
  const missing = Math.max(0, expected - counted.objects);
  if (missing === 0) {
    return { ...base, status: 'verified', missing, message: `${counted.target} holds ${counted.objects} object(s); Label Studio synced ${expected}` };
  }
  return {
    ...base,
    status: 'shortfall',
    missing,
    message: `${counted.target} holds ${counted.objects} object(s) but Label Studio synced ${expected}: ${missing} missing (Label Studio reports completed even when writes fail)`,
  };
}

export function uncountedTarget(policy: 'warn' | 'strict', expected: number | null, why: string): TargetVerification {
  return { policy, status: 'unverified', target: null, expected, found: null, missing: null, message: `could not count the objects at the target: ${why}` };
}

// Judging a target count against what Label Studio says it wrote. Pure: runs inside the workflow.
import type { KeyCheck } from '../targets/export-keys';
import type { TargetCount } from '../targets/target-count';

/** What the workflow found at the target after the sync; in the report when a verification policy is on. */
export interface TargetVerification {
  policy: 'warn' | 'strict';
  /** count: objects against Label Studio's count; keys: every key the sync should have written, by name. Absent in reports from before keys existed. */
  check?: 'count' | 'keys';
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
  /** keys only: the first missing keys (at most 20), the keys no annotation names, and what listing cost. */
  missingKeys?: string[];
  stale?: number;
  keys?: Pick<KeyCheck, 'layout' | 'since' | 'cost'>;
}

/**
 * More objects than expected is normal: Label Studio writes each annotation when it is saved, and keeps
 * objects of deleted annotations. Fewer means some writes failed, which Label Studio does not report.
 */
export function judgeTargetCount(policy: 'warn' | 'strict', expected: number | null, counted: TargetCount): TargetVerification {
  const base = { policy, check: 'count' as const, target: counted.target, expected, found: counted.objects };
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

/**
 * Every key the sync should have written must be there. Stale keys (objects no annotation names) are
 * reported but pass: they are what lets a plain count miss a lost object.
 */
export function judgeTargetKeys(policy: 'warn' | 'strict', checked: KeyCheck): TargetVerification {
  const { target, expected, found, missing, missingKeys, stale, layout, since, cost } = checked;
  const base = { policy, check: 'keys' as const, target, expected, found, missing, missingKeys, stale, keys: { layout, since, cost } };
  const staleNote = stale > 0 ? `; ${stale} other key(s) there name no annotation of the project` : '';
  if (missing === 0) return { ...base, status: 'verified', message: `${target} holds all ${expected} key(s) the sync should have written${staleNote}` };
  const more = missing > missingKeys.length ? ` and ${missing - missingKeys.length} more` : '';
  return {
    ...base,
    status: 'shortfall',
    message: `${target} lacks ${missing} of the ${expected} key(s) the sync should have written: ${missingKeys.join(', ')}${more}${staleNote} (Label Studio reports completed even when writes fail)`,
  };
}

export function uncountedTarget(policy: 'warn' | 'strict', check: 'count' | 'keys', expected: number | null, why: string): TargetVerification {
  const what = check === 'keys' ? 'list the keys' : 'count the objects';
  return { policy, check, status: 'unverified', target: null, expected, found: null, missing: null, message: `could not ${what} at the target: ${why}` };
}

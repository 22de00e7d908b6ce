// A sync whose Label Studio job died (OOM, redeploy) stays `in_progress` on the detail endpoint for ever:
// Label Studio marks it failed only in its health check, which runs when a storage *list* is read. The poll
// reads that list when the job's progress ping is past Label Studio's own limit, and, while a ping is
// overdue, places its next check just past that limit, so a dead job goes to the sync policy within seconds.
import { log } from '@temporalio/activity';
import type { LabelStudioClient } from '../labelstudio/client';
import { toSnapshot } from './snapshot';
import { formatDuration } from './stall-tracker';
import { CHECK_FLOOR_MS, parseLabelStudioTime } from './sync-eta';
import type { StorageRef, StorageSnapshot } from './types';

/** settings.STORAGE_IN_PROGRESS_TIMER (5 s by default): a running job saves its progress, and so its ping, at most this often. */
export const STORAGE_IN_PROGRESS_TIMER_MS = 5_000;

/** StorageInfo.health_check: `in_progress` with a ping older than 5 × STORAGE_IN_PROGRESS_TIMER is marked failed. */
export const STALE_PING_LIMIT_MS = 5 * STORAGE_IN_PROGRESS_TIMER_MS;

/** A ping this old is overdue: a live job would have saved another by now (two timers, one to spare). */
const OVERDUE_PING_MS = 2 * STORAGE_IN_PROGRESS_TIMER_MS;

/** The HTTP Date counts whole seconds, so Label Studio's clock may be up to 1 s past it. */
const DATE_PRECISION_MS = 1_000;

/**
 * How old the running sync's last ping was when Label Studio answered, on Label Studio's clock (its HTTP
 * Date against meta.time_last_ping, so the worker's clock does not matter); null when not in progress or unknown.
 */
export function pingAgeMs(snapshot: StorageSnapshot, serverTime: number | null): number | null {
  if (snapshot.status !== 'in_progress' || serverTime === null) return null;
  const pinged = parseLabelStudioTime(snapshot.timeLastPing);
  return pinged === null ? null : serverTime - pinged;
}

/** Label Studio's health check would mark this sync failed (its own test, `>`, on a Date that may lag by a second). */
export function isPingStale(ageMs: number | null): ageMs is number {
  return ageMs !== null && ageMs > STALE_PING_LIMIT_MS;
}

/** The next check's delay: while a ping is overdue, no later than the moment it is stale for sure. */
export function noLaterThanStale(delayMs: number, ageMs: number | null): number {
  if (ageMs === null || ageMs <= OVERDUE_PING_MS || isPingStale(ageMs)) return delayMs;
  return Math.min(delayMs, Math.max(CHECK_FLOOR_MS, STALE_PING_LIMIT_MS + DATE_PRECISION_MS - ageMs));
}

/**
 * Reads the storage's list (its project and type) so Label Studio's health check runs, and answers the
 * storage as the list shows it afterwards: `failed` when the check found its job dead. One request; when
 * it fails, the detail read's answer stands and the next check (the ping still stale) tries again.
 */
export async function healthChecked(client: LabelStudioClient, ref: StorageRef, detail: StorageSnapshot, pingAgeMs: number): Promise<StorageSnapshot> {
  log.info(`the sync's last progress ping is ${formatDuration(pingAgeMs)} old, past Label Studio's ${formatDuration(STALE_PING_LIMIT_MS)}: reading the storage list so its health check runs`, {
    storageType: ref.type,
    storageId: ref.id,
  });
  try {
    const listed = (await client.listExportStorages(detail.project, ref.type)).find((s) => s.id === ref.id);
    return listed ? toSnapshot(listed) : detail;
  } catch (err) {
    log.warn('the storage list could not be read; the next check tries again', { error: err instanceof Error ? err.message : String(err) });
    return detail;
  }
}

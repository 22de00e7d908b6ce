import type { StorageSnapshot } from './types';

/** Carried from one poll to the next in heartbeat details, which Temporal hands to the next retry. */
export interface ProgressMark {
  fingerprint: string;
  /** Epoch ms when this fingerprint was first seen. */
  since: number;
}

/** Anything Label Studio changes while a sync moves: status, count, ping time, annotations seen. */
export function progressFingerprint(s: StorageSnapshot): string {
  return JSON.stringify([s.status, s.attempts, s.lastSyncCount, s.timeLastPing, s.totalAnnotations]);
}

export function nextProgressMark(previous: ProgressMark | undefined, snapshot: StorageSnapshot, now: number): ProgressMark {
  const fingerprint = progressFingerprint(snapshot);
  return previous?.fingerprint === fingerprint ? previous : { fingerprint, since: now };
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? ` ${s % 60}s` : ''}`;
  return `${Math.floor(m / 60)}h${m % 60 ? ` ${m % 60}m` : ''}`;
}

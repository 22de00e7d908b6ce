import { syncAttempts, type ExportStorage } from '../labelstudio/export-storage';
import type { StorageSnapshot } from './types';

/** Keep the end of a traceback: Python prints the error last, and history is no place for megabytes. */
export const TRACEBACK_EXCERPT_CHARS = 2000;

export function tracebackExcerpt(traceback: string | null | undefined): string | null {
  if (!traceback) return null;
  return traceback.length <= TRACEBACK_EXCERPT_CHARS ? traceback : `…${traceback.slice(-TRACEBACK_EXCERPT_CHARS)}`;
}

export function toSnapshot(storage: ExportStorage): StorageSnapshot {
  const meta = storage.meta ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    status: storage.status,
    attempts: syncAttempts(storage),
    project: storage.project,
    title: str(storage.title),
    synchronizable: storage.synchronizable !== false,
    lastSync: str(storage.last_sync),
    lastSyncCount: num(storage.last_sync_count),
    lastSyncJob: str(storage.last_sync_job),
    timeQueued: str(meta.time_queued),
    timeInProgress: str(meta.time_in_progress),
    timeLastPing: str(meta.time_last_ping),
    timeCompleted: str(meta.time_completed),
    timeFailure: str(meta.time_failure),
    duration: num(meta.duration),
    totalAnnotations: num(meta.total_annotations),
    traceback: tracebackExcerpt(storage.traceback),
  };
}

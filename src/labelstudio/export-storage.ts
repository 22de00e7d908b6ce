import { LabelStudioError } from './errors';
import { SYNC_STATUSES, type SyncStatus } from './storage-types';

/**
 * An export storage as Label Studio returns it. The named fields are those of the gcs_sa page;
 * other types add their own (s3 `s3_endpoint`, localfiles `path`, ...), kept as they came.
 */
export interface ExportStorage {
  id: number;
  type: string;
  project: number;
  created_at?: string;
  title?: string | null;
  description?: string | null;
  bucket?: string | null;
  prefix?: string | null;
  regex_filter?: string | null;
  use_blob_urls?: boolean;
  can_delete_objects?: boolean | null;
  google_project_id?: string | null;
  target_service_account_email?: string | null;
  synchronizable?: boolean;
  status: SyncStatus;
  last_sync?: string | null;
  last_sync_count?: number | null;
  last_sync_job?: string | null;
  meta?: StorageMeta | null;
  traceback?: string | null;
  [extra: string]: unknown;
}

/** `meta` is free-form; these are the keys Label Studio's StorageInfo writes. */
export interface StorageMeta {
  attempts?: number;
  time_queued?: string;
  time_in_progress?: string;
  time_last_ping?: string;
  time_completed?: string;
  time_failure?: string;
  duration?: number;
  total_annotations?: number;
  [extra: string]: unknown;
}

/** Checks the few fields the sync logic relies on; everything else passes through untouched. */
export function parseExportStorage(body: unknown, what: string): ExportStorage {
  const bad = (why: string) =>
    new LabelStudioError('bad_response', `${what}: unexpected answer from Label Studio: ${why}`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('not a JSON object');
  const record = body as Record<string, unknown>;
  if (typeof record.id !== 'number') throw bad('no numeric "id"');
  const status = record.status ?? 'initialized';
  if (!(SYNC_STATUSES as readonly unknown[]).includes(status)) throw bad(`unknown status ${JSON.stringify(status)}`);
  const meta = record.meta;
  if (meta !== undefined && meta !== null && (typeof meta !== 'object' || Array.isArray(meta))) throw bad('"meta" is not an object');
  return { ...record, status } as ExportStorage;
}

/** How many syncs Label Studio has queued for this storage: it bumps meta.attempts on every queue. */
export function syncAttempts(storage: ExportStorage): number {
  const attempts = storage.meta?.attempts;
  return typeof attempts === 'number' ? attempts : 0;
}

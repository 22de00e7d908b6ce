/**
 * Export storage types Label Studio serves under /api/storages/export/{type}.
 * Pure data: imported by workflow code too, so no Node APIs here.
 */
export const STORAGE_TYPES = [
  'gcs_sa',
  'gcs',
  'gcswif',
  's3',
  's3s',
  'azure',
  'azure_spi',
  'redis',
  'localfiles',
  'databricks',
] as const;

export type StorageType = (typeof STORAGE_TYPES)[number];

export function isStorageType(value: unknown): value is StorageType {
  return typeof value === 'string' && (STORAGE_TYPES as readonly string[]).includes(value);
}

export const SYNC_STATUSES = [
  'initialized',
  'queued',
  'in_progress',
  'failed',
  'completed',
  'completed_with_errors',
] as const;

export type SyncStatus = (typeof SYNC_STATUSES)[number];

export type TerminalStatus = Extract<SyncStatus, 'failed' | 'completed' | 'completed_with_errors'>;

export function isRunning(status: SyncStatus): boolean {
  return status === 'queued' || status === 'in_progress';
}

export function isTerminal(status: SyncStatus): status is TerminalStatus {
  return status === 'failed' || status === 'completed' || status === 'completed_with_errors';
}

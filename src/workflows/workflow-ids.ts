import type { StorageType } from '../labelstudio/storage-types';

/** One id per storage, so the server itself refuses a second concurrent sync workflow for it. */
export function syncWorkflowId(connection: string, type: StorageType, id: number): string {
  return `label-studio-sync/${connection}/${type}/${id}`;
}

export function storageKey(connection: string, type: StorageType, id: number): string {
  return `${connection}/${type}/${id}`;
}

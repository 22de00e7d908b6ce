import type { StorageType, SyncStatus } from '../labelstudio/storage-types';
import type { SyncReport } from '../workflows/sync-report';

export interface ListExportStoragesInput {
  connection: string;
  project: number;
  /** Only these types (all types when absent). */
  types?: StorageType[];
  /** Only storages whose title is exactly this. */
  title?: string;
  /** Only storages whose title matches this regular expression (RE2 syntax, unanchored). */
  titlePattern?: string;
}

/** A storage as a fan-out sees it: enough to sync it and to name it in a report, no settings. */
export interface StorageSummary {
  type: StorageType;
  id: number;
  title: string | null;
  status: SyncStatus;
  synchronizable: boolean;
}

export interface AwaitSyncWorkflowInput {
  workflowId: string;
}

/** How a sync workflow started elsewhere ended: its report, or its failure with the report it carried. */
export type JoinedSyncOutcome =
  | { ok: true; report: SyncReport }
  | { ok: false; failureType: string | null; message: string; report: SyncReport | null };

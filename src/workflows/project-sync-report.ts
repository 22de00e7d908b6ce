import type { QueryDefinition } from '@temporalio/common';
import { FailureType } from '../failure-types';
import type { StorageType } from '../labelstudio/storage-types';
import type { SyncReport } from './sync-report';

/** The ApplicationFailure type syncProjectExports fails with under `failOn: 'any'`; details[0] is the report. */
export const PROJECT_SYNC_FAILED = FailureType.ProjectSyncFailed;

export type StorageSyncResult = 'succeeded' | 'failed' | 'skipped';

/** One storage of the fan-out. */
export interface StorageSyncEntry {
  storage: { type: StorageType; id: number; title: string | null };
  /** The storage's own sync workflow id (see syncWorkflowId). */
  workflowId: string;
  /** true when a sync workflow of this storage was already running and the fan-out waited for it. */
  joined: boolean;
  result: StorageSyncResult;
  /** The storage's sync report: the child's result, or the report its failure carried. */
  report: SyncReport | null;
  /** Why it failed or was skipped. */
  error: { type: string | null; message: string } | null;
}

/** completed: every storage succeeded (or none matched); partial: some failed; failed: all that ran failed. */
export type ProjectSyncOutcome = 'completed' | 'partial' | 'failed';

export interface ProjectSyncReport {
  connection: string;
  project: number;
  outcome: ProjectSyncOutcome;
  counts: { total: number; succeeded: number; failed: number; skipped: number };
  /** In listing order. */
  storages: StorageSyncEntry[];
  warnings: string[];
  startedAt: string;
  endedAt: string;
}

/** What the `projectSyncState` query answers while the fan-out runs. */
export interface ProjectSyncState {
  phase: 'listing' | 'syncing' | 'done';
  total: number;
  /** Workflow ids of the storage syncs being waited for right now. */
  running: string[];
  done: StorageSyncEntry[];
}

// What defineQuery returns, written out: clients and the CLI query it without loading @temporalio/workflow,
// which a client-only install does not have.
export const projectSyncStateQuery = { type: 'query', name: 'projectSyncState' } as QueryDefinition<ProjectSyncState, [], 'projectSyncState'>;

export function countResults(entries: StorageSyncEntry[]): ProjectSyncReport['counts'] {
  const count = (r: StorageSyncResult) => entries.filter((e) => e.result === r).length;
  return { total: entries.length, succeeded: count('succeeded'), failed: count('failed'), skipped: count('skipped') };
}

export function projectOutcome(counts: ProjectSyncReport['counts']): ProjectSyncOutcome {
  if (counts.failed === 0) return 'completed';
  return counts.succeeded > 0 ? 'partial' : 'failed';
}

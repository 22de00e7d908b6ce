import type { QueryDefinition } from '@temporalio/common';
import type { EtaReport } from '../activities/sync-eta';
import type { StorageSnapshot } from '../activities/types';
import type { StorageType } from '../labelstudio/storage-types';
import type { TargetVerification } from './target-verification';

export type AttemptStatus = 'completed' | 'completed_with_errors' | 'failed' | 'stalled' | 'timed_out' | 'cancelled';

export type SyncOutcome = AttemptStatus;

/** One sync of the storage, as this workflow saw it. Times are workflow times (ISO 8601). */
export interface SyncAttemptRecord {
  attempt: number;
  /** triggered: this workflow posted it; attached: it was already running; landed-earlier: a retried trigger found its first POST had landed. */
  mode: 'triggered' | 'attached' | 'landed-earlier';
  /** Label Studio's meta.attempts for this sync. */
  syncAttempt: number;
  status: AttemptStatus;
  startedAt: string;
  endedAt: string;
  lastSync: string | null;
  lastSyncCount: number | null;
  lastSyncJob: string | null;
  traceback: string | null;
  /** How the poll placed its checks: the estimate that drove them and how far off it was. */
  eta?: EtaReport;
}

export interface SyncReport {
  storage: { connection: string; type: StorageType; id: number; project: number | null; title: string | null };
  outcome: SyncOutcome;
  attempts: SyncAttemptRecord[];
  startedAt: string;
  endedAt: string;
  /** The storage as last read. */
  final: StorageSnapshot | null;
  warnings: string[];
  /**
   * Syncs of the storage in Label Studio while the workflow ran. `triggered`: the workflow's own POSTs that
   * landed (distinct syncAttempt values of its triggered and landed-earlier attempts; a refused POST is none).
   * `ran`: how far meta.attempts moved from the workflow's first read to its last. More ran than triggered
   * (another client, a second workflow, a gateway that retried the POST) puts a warning in `warnings`.
   */
  labelStudioSyncs: { ran: number; triggered: number };
  /** The target count after the sync; present only when policy.verifyTarget is warn or strict. */
  verification?: TargetVerification;
}

/** `syncing`: triggering and waiting in one activity, whose progress the workflow learns at its end. */
export type SyncPhase = 'reading' | 'triggering' | 'syncing' | 'waiting' | 'backing-off' | 'done';

/** What the `syncState` query answers while the workflow runs. */
export interface SyncState {
  phase: SyncPhase;
  attempt: number;
  syncAttempt: number | null;
  phaseSince: string;
  attempts: SyncAttemptRecord[];
}

// What defineQuery returns, written out: clients and the CLI query it without loading @temporalio/workflow,
// which a client-only install does not have.
export const syncStateQuery = { type: 'query', name: 'syncState' } as QueryDefinition<SyncState, [], 'syncState'>;

/** Memo key holding the report of a cancelled sync (a cancelled workflow keeps no failure details). */
export const CANCELLATION_REPORT_MEMO = 'cancellationReport';

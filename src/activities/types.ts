import type { StorageType, SyncStatus, TerminalStatus } from '../labelstudio/storage-types';
import type { ProgressMark } from './stall-tracker';
import type { EtaReport, EtaState, PollBackoff } from './sync-eta';
import type { UnreachableMark } from './unreachable';

/** Names a storage without saying where Label Studio is: the worker maps `connection` to a URL and key. */
export interface StorageRef {
  connection: string;
  type: StorageType;
  id: number;
}

/** What the workflow learns of a storage: the sync fields only, so no storage secret reaches history. */
export interface StorageSnapshot {
  status: SyncStatus;
  /** meta.attempts: how many syncs Label Studio has queued for this storage so far. */
  attempts: number;
  project: number;
  title: string | null;
  synchronizable: boolean;
  lastSync: string | null;
  lastSyncCount: number | null;
  lastSyncJob: string | null;
  timeQueued: string | null;
  timeInProgress: string | null;
  timeLastPing: string | null;
  timeCompleted: string | null;
  timeFailure: string | null;
  duration: number | null;
  totalAnnotations: number | null;
  /** The end of Label Studio's traceback: the error is at the bottom. */
  traceback: string | null;
}

/** What readStorage answers: the storage, and the worker's Label Studio timeouts. */
export interface StorageRead extends StorageSnapshot {
  /** The sync POST's: the workflow sizes the trigger's timeouts from it (absent in histories from before it existed). */
  responseTimeoutMs?: number;
  /** The reads': the workflow sizes the reads' and the poll's timeouts from it (absent in older histories). */
  readTimeoutMs?: number;
  /** The worker sends OpenLineage events: the workflow schedules them (absent when off, and in older histories). */
  lineage?: true;
}

export interface TriggerSyncInput {
  ref: StorageRef;
  /** meta.attempts read before triggering: a retry that sees more knows its earlier POST landed. */
  baselineAttempts: number;
}

export interface TriggerSyncResult {
  snapshot: StorageSnapshot;
  /** false when a retried attempt found that the POST of an earlier attempt had already landed. */
  posted: boolean;
  /** meta.attempts of the sync this trigger started. */
  syncAttempt: number;
}

export interface AwaitSyncEndInput {
  ref: StorageRef;
  /** The meta.attempts value of the sync being waited for. */
  syncAttempt: number;
  /** Fail as stalled when the storage shows no progress for this long. */
  stallTimeoutMs: number;
  /** The poll's backoff: given, the poll places its checks by the sync's expected end within the cap. */
  poll?: PollBackoff;
  /** How long the previous sync ran, from the read before the trigger (queuing a sync erases it). */
  previousDurationMs?: number | null;
  /** policy.unreachableTimeout: absent unless set, so the input stays as it was without it. */
  unreachableTimeoutMs?: number;
}

/** triggerAndAwaitSync's input: the trigger's, and the poll's for the sync it starts. */
export type TriggerAndAwaitInput = TriggerSyncInput & Omit<AwaitSyncEndInput, 'ref' | 'syncAttempt'>;

/** The sync the trigger started (or found landed), and its end. */
export interface TriggerAndAwaitResult {
  triggered: TriggerSyncResult;
  end: AwaitSyncEndResult;
}

/**
 * triggerAndAwaitSync's heartbeat details: the trigger's tries and its POST in flight until it has a
 * result; from then on the result and the poll's own details. The result also rides as the last detail
 * of every failure after it, so the workflow learns of the sync however the activity ends.
 */
export interface TriggerAndAwaitHeartbeat extends Partial<PollHeartbeat> {
  triggerTries?: number;
  postSentAt?: number | null;
  triggered?: TriggerSyncResult;
}

/** Options of a read; absent unless policy.unreachableTimeout is set (or, for a sync's first read, `routed`). */
export interface ReadStorageOptions {
  unreachableTimeoutMs?: number;
  /**
   * The caller sends the rest of its requests where the answer says: when the connection has a request
   * budget, the read answers with its queue (RequestRoute) instead of reading, and the caller reads there.
   */
  routed?: true;
}

/** A routed read's answer when the connection has a request budget: read, and call Label Studio, on this queue. */
export interface RequestRoute {
  requestQueue: string;
}

/** The poll's heartbeat details: its progress mark, and the storage as it last saw it. */
export interface PollHeartbeat extends ProgressMark, UnreachableMark {
  snapshot?: StorageSnapshot;
  /** Where the ETA-driven checks stand, for the next try. */
  eta?: EtaState;
  /** Checks in a row that got no usable answer (a 5xx, a reset, a timeout). */
  failedChecks?: number;
}

/** The storage once the awaited sync has ended. */
export type EndedSnapshot = StorageSnapshot & { status: TerminalStatus };

/**
 * The poll's answer: the ended storage, and how its checks were placed (absent for polls without `poll`).
 * `deadForMs`: Label Studio's health check failed the sync because its job stopped pinging; this long
 * before the answer (Label Studio's clock) the job was last heard of.
 */
export type AwaitSyncEndResult = EndedSnapshot & { eta?: EtaReport; deadForMs?: number };

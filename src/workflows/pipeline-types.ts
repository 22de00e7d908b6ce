import type { ProjectCounters } from '../labelstudio/project-counters';
import type { AnnotationAction } from './annotation-events';
import type { Duration } from './duration';
import type { PendingBatch } from './pipeline-batch';
import type { SyncProjectExportsInput } from './project-sync-input';
import type { ProjectSyncOutcome, ProjectSyncReport } from './project-sync-report';

/** The workflow started after each batch's sync, e.g. a training job. */
export interface DownstreamWorkflow {
  workflowType: string;
  taskQueue: string;
  /** all-succeeded (default): only after a sync where no storage failed; any-succeeded; always (whenever there is a report). */
  when?: 'all-succeeded' | 'any-succeeded' | 'always';
}

/** Which storages the pipeline syncs: syncProjectExports' filters and policy (failures never fail the pipeline). */
export type PipelineSync = Pick<SyncProjectExportsInput, 'types' | 'title' | 'titlePattern' | 'storages' | 'concurrency' | 'policy'>;

export interface AnnotationPipelineInput {
  /** A connection name configured on the worker; default `default`. */
  connection?: string;
  project: number;
  /** A batch starts once no event came for this long; default 30s. */
  quietPeriod?: Duration;
  /** …or this long after its first event, however busy the project is; default 5m. */
  maxWait?: Duration;
  /**
   * Safety net for lost webhooks: when no event came for this long, read the project's annotation
   * counters and run a batch if they moved since the last batch read them; default 10m, 0 turns it off.
   */
  reconcileEvery?: Duration;
  sync?: PipelineSync;
  downstream?: DownstreamWorkflow;
  /** Continue as new after this many batches (earlier when Temporal suggests it); default 50. */
  batchesPerRun?: number;
  /** Set by continue-as-new: what the previous run hands over. Leave it out. */
  carry?: PipelineCarry;
}

export interface PipelineCarry {
  /** Events that arrived while the previous run finished its last batch. */
  pending: PendingBatch | null;
  batchesDone: number;
  recent: BatchRecord[];
  /** The project's counters as the last batch (or reconciliation) read them. */
  seen?: ProjectCounters | null;
}

/** One batch: its events, its sync and what happened downstream. */
export interface BatchRecord {
  number: number;
  events: number;
  annotations: number;
  actions: Partial<Record<AnnotationAction, number>>;
  /** Started by the reconciliation: the project's counters moved without a webhook. */
  reconciled: boolean;
  syncWorkflowId: string;
  /** `error` when the fan-out itself failed (e.g. the storages could not be listed). */
  syncOutcome: ProjectSyncOutcome | 'error';
  syncError: string | null;
  downstreamWorkflowId: string | null;
  /** Why no downstream workflow was started, when none was. */
  downstreamSkipped: string | null;
  startedAt: string;
  endedAt: string;
}

/** The downstream workflow's single argument. */
export interface DownstreamInput {
  connection: string;
  project: number;
  pipelineWorkflowId: string;
  batch: { number: number; events: number; annotations: number; actions: Partial<Record<AnnotationAction, number>>; reconciled: boolean; firstEventAt: string; lastEventAt: string };
  sync: ProjectSyncReport;
}

/** syncing covers the batch's sync and the start of its downstream workflow; reconciling, reading the counters while idle. */
export type PipelinePhase = 'idle' | 'reconciling' | 'debouncing' | 'syncing';

/** What the `pipelineState` query answers. */
export interface PipelineState {
  phase: PipelinePhase;
  pending: PendingBatch | null;
  batchesDone: number;
  /** Batches done by this run (the count continue-as-new resets). */
  runBatches: number;
  /** The last ten batches, newest last. */
  recent: BatchRecord[];
  /** The project's counters as last read (null before the first read, or without reconciliation). */
  seen: ProjectCounters | null;
}

import type { QueryDefinition } from '@temporalio/common';
import type { ProjectCounters } from '../labelstudio/project-counters';
import type { AnnotationAction } from './annotation-events';
import type { JournalMarks } from './journal-deliveries';
import type { PendingBatch } from './pipeline-batch';
import type { ProjectSyncOutcome, ProjectSyncReport } from './project-sync-report';

// The input types are derived from the input's schema (pipeline-input.ts), so checks and types agree.
export type { AnnotationPipelineInput, DownstreamWorkflow, PipelineSync } from '../schema/pipeline-input';

export interface PipelineCarry {
  /** Events that arrived while the previous run finished its last batch. */
  pending: PendingBatch | null;
  batchesDone: number;
  recent: BatchRecord[];
  /** The project's counters as the last batch (or reconciliation) read them. */
  seen?: ProjectCounters | null;
  /** The last delivery counted from each receiver journal, so a resent one is not counted twice. */
  journals?: JournalMarks;
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

// What defineQuery returns, written out: clients and the CLI query it without loading @temporalio/workflow,
// which a client-only install does not have.
export const pipelineStateQuery = { type: 'query', name: 'pipelineState' } as QueryDefinition<PipelineState, [], 'pipelineState'>;

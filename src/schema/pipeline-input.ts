import { z } from './zod';
import { duration } from './duration';
import { oneOf, positiveId, text, wholeNumber } from './fields';
import { parseInput } from './invalid-input';
import { strictObject } from './strict-object';
import { DEFAULT_CONNECTION, DEFAULT_DOWNSTREAM_WHEN, PIPELINE_DEFAULTS } from '../workflows/input-defaults';
import type { PipelineCarry } from '../workflows/pipeline-types';
import { projectFilterShape } from './project-sync-input';
import { connectionName } from './sync-input';


/** The workflow started after each batch's sync, e.g. a training job. */
export const downstreamSchema = strictObject({
  workflowType: text('name a workflow type'),
  taskQueue: text('name a task queue'),
  /** all-succeeded (default): only after a sync where no storage failed; any-succeeded; always (whenever there is a report). */
  when: oneOf(['all-succeeded', 'any-succeeded', 'always']).prefault(DEFAULT_DOWNSTREAM_WHEN),
});

/** Which storages the pipeline syncs: syncProjectExports' filters and policy (failures never fail the pipeline). */
export const pipelineSyncSchema = strictObject(projectFilterShape);

export const annotationPipelineInputSchema = strictObject({
  /** A connection name configured on the worker; default `default`. */
  connection: connectionName.prefault(DEFAULT_CONNECTION),
  project: positiveId,
  /** A batch starts once no event came for this long; default 30s. */
  quietPeriod: duration('0ms', '1d').prefault(PIPELINE_DEFAULTS.quietPeriod),
  /** …or this long after its first event, however busy the project is; default 5m. */
  maxWait: duration('0ms', '7d').prefault(PIPELINE_DEFAULTS.maxWait),
  /**
   * Safety net for lost webhooks: when no event came for this long, read the project's annotation
   * counters and run a batch if they moved since the last batch read them; default 10m, 0 turns it off.
   */
  reconcileEvery: duration('0ms', '7d')
    .refine((ms) => ms === 0 || ms >= 1000, { error: 'must be at least 1s, or 0 to turn the reconciliation off' })
    .prefault(PIPELINE_DEFAULTS.reconcileEvery),
  /** End the pipeline after this long without a batch (the next event starts a new one); default 0: never. */
  endAfterIdle: duration('0ms', '365d')
    .refine((ms) => ms === 0 || ms >= 1000, { error: 'must be at least 1s, or 0 to never end' })
    .prefault(PIPELINE_DEFAULTS.endAfterIdle),
  sync: pipelineSyncSchema.optional(),
  downstream: downstreamSchema.optional(),
  /** Continue as new after this many batches (earlier when Temporal suggests it); default 50. */
  batchesPerRun: wholeNumber(1, 10_000).prefault(PIPELINE_DEFAULTS.batchesPerRun),
  /** Set by continue-as-new: what the previous run hands over. Leave it out. */
  carry: z.custom<PipelineCarry>((v) => typeof v === 'object' && v !== null, { error: 'is set by the pipeline itself: leave it out' }).optional(),
});

export type AnnotationPipelineInput = z.input<typeof annotationPipelineInputSchema>;
export type DownstreamWorkflow = z.input<typeof downstreamSchema>;
export type PipelineSync = z.input<typeof pipelineSyncSchema>;

export interface ResolvedPipelineInput {
  connection: string;
  project: number;
  quietMs: number;
  maxWaitMs: number;
  /** 0: no reconciliation. */
  reconcileMs: number;
  /** 0: never ends for idleness. */
  idleEndMs: number;
  /** The sync settings as given: each batch's syncProjectExports resolves them. */
  sync: PipelineSync;
  downstream: z.output<typeof downstreamSchema> | null;
  batchesPerRun: number;
}

/** Checks the input and fills defaults; throws a non-retryable InvalidInput naming the field. */
export function resolvePipelineInput(input: AnnotationPipelineInput): ResolvedPipelineInput {
  const { connection, project, quietPeriod, maxWait, reconcileEvery, endAfterIdle, downstream, batchesPerRun } = parseInput(annotationPipelineInputSchema, input);
  return { connection, project, quietMs: quietPeriod, maxWaitMs: maxWait, reconcileMs: reconcileEvery, idleEndMs: endAfterIdle, sync: input.sync ?? {}, downstream: downstream ?? null, batchesPerRun };
}

import { invalidInput, parseDuration } from './duration';
import type { AnnotationPipelineInput, DownstreamWorkflow, PipelineSync } from './pipeline-types';
import { resolveProjectSyncInput } from './project-sync-input';

export interface ResolvedPipelineInput {
  connection: string;
  project: number;
  quietMs: number;
  maxWaitMs: number;
  /** 0: no reconciliation. */
  reconcileMs: number;
  sync: PipelineSync;
  downstream: Required<DownstreamWorkflow> | null;
  batchesPerRun: number;
}

export const PIPELINE_DEFAULTS = { quietPeriod: '30s', maxWait: '5m', reconcileEvery: '10m', batchesPerRun: 50 } as const;

const MAX_RECONCILE_MS = 7 * 86_400_000;

/** Checks the input and fills defaults; throws a non-retryable InvalidInput naming the field. */
export function resolvePipelineInput(input: AnnotationPipelineInput): ResolvedPipelineInput {
  if (typeof input !== 'object' || input === null) throw invalidInput('input', 'must be an object');
  const sync = input.sync ?? {};
  // The sync settings are syncProjectExports' own: its check names the field.
  const { connection, project } = resolveProjectSyncInput({ ...sync, connection: input.connection, project: input.project });
  const quietMs = parseDuration(input.quietPeriod ?? PIPELINE_DEFAULTS.quietPeriod, 'quietPeriod');
  const maxWaitMs = parseDuration(input.maxWait ?? PIPELINE_DEFAULTS.maxWait, 'maxWait');
  const reconcileMs = parseDuration(input.reconcileEvery ?? PIPELINE_DEFAULTS.reconcileEvery, 'reconcileEvery');
  if (reconcileMs !== 0 && (reconcileMs < 1_000 || reconcileMs > MAX_RECONCILE_MS)) {
    throw invalidInput('reconcileEvery', `must be from 1s to 7d, or 0 to turn the reconciliation off (got ${JSON.stringify(input.reconcileEvery)})`);
  }
  const batchesPerRun = input.batchesPerRun ?? PIPELINE_DEFAULTS.batchesPerRun;
  if (!Number.isSafeInteger(batchesPerRun) || batchesPerRun < 1 || batchesPerRun > 10_000) {
    throw invalidInput('batchesPerRun', `must be a whole number from 1 to 10000 (got ${JSON.stringify(batchesPerRun)})`);
  }
  return { connection, project, quietMs, maxWaitMs, reconcileMs, sync, downstream: resolveDownstream(input.downstream), batchesPerRun };
}

function resolveDownstream(downstream: DownstreamWorkflow | undefined): Required<DownstreamWorkflow> | null {
  if (downstream === undefined) return null;
  const { workflowType, taskQueue, when = 'all-succeeded' } = downstream ?? {};
  if (typeof workflowType !== 'string' || workflowType.trim() === '') throw invalidInput('downstream.workflowType', 'must name a workflow type');
  if (typeof taskQueue !== 'string' || taskQueue.trim() === '') throw invalidInput('downstream.taskQueue', 'must name a task queue');
  if (!['all-succeeded', 'any-succeeded', 'always'].includes(when)) {
    throw invalidInput('downstream.when', `must be all-succeeded, any-succeeded or always (got ${JSON.stringify(when)})`);
  }
  return { workflowType, taskQueue, when };
}

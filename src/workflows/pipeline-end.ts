import { ActivityFailure, ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { FailureType } from '../failure-types';
import type { ResolvedPipelineInput } from '../schema/pipeline-input';

/** Pipelines recorded before these existed replay without them: no project check, no end for idleness. */
export const PROJECT_CHECK_PATCH = 'pipeline-project-check';
export const IDLE_END_PATCH = 'pipeline-idle-end';

/** Why a pipeline ended; it never ends otherwise (it continues as new). */
export interface PipelineEnd {
  ended: 'project-not-found' | 'idle';
  project: number;
  reason: string;
  batchesDone: number;
}

const { readProjectCounters } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 4 },
});

/**
 * Whether Label Studio says the project does not exist (404: unknown, or outside the key's
 * organization). Any other failure is not an answer: the pipeline goes on, as when a reconciliation
 * cannot read the counters. Before, a pipeline for a project that does not exist ran forever.
 */
export async function projectMissing(cfg: ResolvedPipelineInput): Promise<boolean> {
  try {
    await readProjectCounters({ connection: cfg.connection, project: cfg.project });
    return false;
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (cause instanceof ApplicationFailure && cause.type === `${FailureType.LabelStudio}.not_found`) return true;
    log.warn('cannot tell whether the project exists; the pipeline goes on', { project: cfg.project, error: (err as Error).message });
    return false;
  }
}

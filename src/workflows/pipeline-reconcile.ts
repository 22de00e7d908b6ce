import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities, ProjectCounters } from '../activities';
import type { PendingBatch } from './pipeline-batch';
import type { ResolvedPipelineInput } from '../schema/pipeline-input';

/** Old pipeline histories have no reconciliation: their replays take the path without it. */
export const RECONCILE_PATCH = 'pipeline-reconcile';

const { readProjectCounters } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 4 },
});

/**
 * The project's annotation counters, or null when Label Studio cannot be read now: the pipeline
 * keeps serving events and the next reconciliation tries again.
 */
export async function readCounters(cfg: ResolvedPipelineInput): Promise<ProjectCounters | null> {
  try {
    return await readProjectCounters({ connection: cfg.connection, project: cfg.project });
  } catch (err) {
    log.warn('cannot read the project counters; the next reconciliation tries again', { project: cfg.project, error: (err as Error).message });
    return null;
  }
}

/** Annotations were created or deleted since `seen` was read (edits move no counter). */
export function countersDiffer(seen: ProjectCounters, now: ProjectCounters): boolean {
  return seen.annotations !== now.annotations || seen.tasksWithAnnotations !== now.tasksWithAnnotations || seen.updatedAt !== now.updatedAt;
}

/** A batch no webhook announced: started because the counters moved while no event came. */
export function reconcileBatch(now: number): PendingBatch {
  return { events: 0, annotations: 0, actions: {}, firstAt: now, lastAt: now, reconciled: true };
}

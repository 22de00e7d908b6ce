import type { Priority } from '@temporalio/common';

/**
 * Temporal task priorities (1 runs first, 5 last; the server's default is 3), by who waits: a sync a
 * person or a pipeline started goes ahead of the storage syncs of a fan-out and of scheduled runs, so
 * a nightly burst never queues in front of it. Children and activities inherit their workflow's.
 */
export const SYNC_PRIORITY = { interactive: 2, batch: 4 } as const;
/**
 * The sync POST's: above every workflow's, so inside a connection's request budget (docs/scaling.md) a
 * sync is started before the checks of the syncs already running take the budget's next request.
 */
export const TRIGGER_PRIORITY_KEY = 1;
/** The lowest priority a default Temporal server accepts (`matching.priorityLevels` is 5). */
export const MAX_PRIORITY_KEY = 5;

/**
 * A start's priority: `priorityKey`, and the Label Studio connection as the fairness key, so on a
 * server with fairness on, one connection's burst does not starve another's at the same priority.
 */
export function taskPriority(connection: string, priorityKey: number): Priority {
  return { priorityKey, fairnessKey: connection };
}

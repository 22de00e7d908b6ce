import { compileTitlePattern } from '../labelstudio/title-pattern';
import { invalidInput, problemOf } from '../schema/invalid-input';
import { resolvePipelineInput, type AnnotationPipelineInput, type ResolvedPipelineInput } from '../schema/pipeline-input';
import { resolveProjectSyncInput, type ResolvedProjectSyncInput, type SyncProjectExportsInput } from '../schema/project-sync-input';
import { resolveSyncInput, type ResolvedBackoff, type ResolvedSyncInput, type SyncExportStorageInput } from '../schema/sync-input';
import { MAX_PRIORITY_KEY } from '../workflows/task-priority';

/**
 * The checks a client runs before it starts anything: the workflow's own schema, plus what only
 * new starts must meet. Workflows already running (and their recorded histories) may hold a
 * sub-second poll, so the workflows themselves still accept one; and RE2 needs Node, not the
 * workflow sandbox, so title patterns are compiled here and again by the listing activity.
 */
export function checkSyncInput(input: SyncExportStorageInput): ResolvedSyncInput {
  const resolved = resolveSyncInput(input);
  checkPollFloor(resolved.poll, 'policy.poll.initial');
  return resolved;
}

export function checkProjectSyncInput(input: SyncProjectExportsInput): ResolvedProjectSyncInput {
  const resolved = resolveProjectSyncInput(input);
  checkPollFloor(resolved.poll, 'policy.poll.initial');
  if (resolved.list.titlePattern !== undefined) compileTitlePattern(resolved.list.titlePattern);
  return resolved;
}

export function checkPipelineInput(input: AnnotationPipelineInput): ResolvedPipelineInput {
  const resolved = resolvePipelineInput(input);
  try {
    checkProjectSyncInput({ ...resolved.sync, connection: resolved.connection, project: resolved.project });
  } catch (err) {
    const found = problemOf(err);
    throw found ? invalidInput(`sync.${found.field}`, found.problem) : err;
  }
  return resolved;
}

/** A start's Temporal task priority: `given`, a whole number from 1 (first) to 5, or `fallback`. */
export function checkPriorityKey(given: number | undefined, fallback: number, field = 'priority'): number {
  if (given === undefined) return fallback;
  if (!Number.isInteger(given) || given < 1 || given > MAX_PRIORITY_KEY) {
    throw invalidInput(field, `must be a whole number from 1 (runs first) to ${MAX_PRIORITY_KEY} (got ${JSON.stringify(given)})`);
  }
  return given;
}

/** The Temporal server runs activity retries (the poll) no more often than about once a second. */
export const MIN_POLL_INITIAL_MS = 1000;

function checkPollFloor(poll: ResolvedBackoff, field: string): void {
  if (poll.initialMs < MIN_POLL_INITIAL_MS) {
    throw invalidInput(field, `must be at least 1s: the Temporal server runs the poll (an activity retry) no more often than about once a second (got ${poll.initialMs} ms)`);
  }
}

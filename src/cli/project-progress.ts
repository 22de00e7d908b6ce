import type { WorkflowHandle } from '@temporalio/client';
import { projectSyncStateQuery, type ProjectSyncState } from '../workflows/project-sync-report';
import { followQuery, type StopFollowing } from './follow-query';

/** Prints the fan-out's progress (through the projectSyncState query) when it changes, to stderr. */
export function followProjectProgress(handle: WorkflowHandle, write: (line: string) => void, intervalMs = 1000): StopFollowing {
  return followQuery(handle, projectSyncStateQuery, describe, write, intervalMs);
}

function describe(state: ProjectSyncState): string {
  if (state.phase === 'listing') return 'listing the export storages';
  const running = state.running.length ? `; waiting for ${state.running.join(', ')}` : '';
  return `${state.done.length}/${state.total} storages done${running}`;
}

import type { WorkflowHandle } from '@temporalio/client';
import type { ProjectSyncState } from '../workflows/project-sync-report';
import { projectSyncStateQuery } from '../workflows/sync-project-exports';

/** Prints the fan-out's progress (through the projectSyncState query) when it changes, to stderr. */
export function followProjectProgress(handle: WorkflowHandle, write: (line: string) => void, intervalMs = 1000): () => void {
  let last = '';
  let stopped = false;
  let timer: NodeJS.Timeout;
  const tick = async () => {
    const state = await handle.query<ProjectSyncState>(projectSyncStateQuery).catch(() => undefined);
    if (stopped) return;
    if (state) {
      const line = describe(state);
      if (line !== last) write(line);
      last = line;
    }
    timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, 0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function describe(state: ProjectSyncState): string {
  if (state.phase === 'listing') return 'listing the export storages';
  const running = state.running.length ? `; waiting for ${state.running.join(', ')}` : '';
  return `${state.done.length}/${state.total} storages done${running}`;
}

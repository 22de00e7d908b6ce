import type { WorkflowHandle } from '@temporalio/client';
import { syncStateQuery, type SyncState } from '../workflows/sync-report';
import { followQuery, type StopFollowing } from './follow-query';

/**
 * Prints the workflow's phase as it changes (through the syncState query) until stopped.
 * Progress is for people: it goes to stderr, so --json output on stdout stays clean.
 */
export function followProgress(handle: WorkflowHandle, write: (line: string) => void, intervalMs = 1000): StopFollowing {
  return followQuery(handle, syncStateQuery, describeState, write, intervalMs);
}

function describeState(state: SyncState): string {
  const sync = state.syncAttempt !== null ? ` (Label Studio sync #${state.syncAttempt})` : '';
  const phase: Record<SyncState['phase'], string> = {
    reading: 'reading the storage',
    triggering: 'triggering the sync',
    syncing: 'triggering the sync and waiting for it to end',
    waiting: 'waiting for the sync to end',
    'backing-off': 'previous sync failed; backing off before retrying',
    done: 'done',
  };
  return `attempt ${state.attempt}: ${phase[state.phase]}${sync}, since ${state.phaseSince}`;
}

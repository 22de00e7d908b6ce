import type { QueryDefinition } from '@temporalio/common';
import type { PipelineState } from './pipeline-types';
import type { ProjectSyncState } from './project-sync-report';
import type { SyncState } from './sync-report';

// What defineQuery returns, written out: the CLI and clients query these without loading
// @temporalio/workflow, which a client-only install does not have.

export const syncStateQuery = { type: 'query', name: 'syncState' } as QueryDefinition<SyncState, [], 'syncState'>;
export const projectSyncStateQuery = { type: 'query', name: 'projectSyncState' } as QueryDefinition<ProjectSyncState, [], 'projectSyncState'>;
export const pipelineStateQuery = { type: 'query', name: 'pipelineState' } as QueryDefinition<PipelineState, [], 'pipelineState'>;

import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { createAwaitSyncEnd } from './await-sync-end';
import { awaitSyncWorkflow } from './await-sync-workflow';
import { checkWorkflowInput } from './check-workflow-input';
import { createCountTargetObjects } from './count-target-objects';
import { createListExportStorages } from './list-export-storages';
import { createReadProjectCounters } from './read-project-counters';
import { createReadStorage } from './read-storage';
import { createTriggerSync } from './trigger-sync';

/** The activities a worker registers, bound to its Label Studio connections. */
export function createActivities(registry: LabelStudioClientRegistry) {
  return {
    readStorage: createReadStorage(registry),
    triggerSync: createTriggerSync(registry),
    awaitSyncEnd: createAwaitSyncEnd(registry),
    listExportStorages: createListExportStorages(registry),
    awaitSyncWorkflow,
    checkWorkflowInput,
    countTargetObjects: createCountTargetObjects(registry),
    readProjectCounters: createReadProjectCounters(registry),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type * from './types';
export type * from './fan-out-types';
export type { ReadProjectCountersInput } from './read-project-counters';
export type { ProjectCounters } from '../labelstudio/project-counters';

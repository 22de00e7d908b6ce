import type { LineageConfig } from '../config/lineage';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { createAwaitSyncEnd } from './await-sync-end';
import { awaitSyncWorkflow } from './await-sync-workflow';
import { checkWorkflowInput } from './check-workflow-input';
import { createCountTargetObjects, createVerifyTargetKeys } from './count-target-objects';
import { createEmitLineage } from './emit-lineage';
import { createListExportStorages } from './list-export-storages';
import { createReadProjectCounters } from './read-project-counters';
import { createReadStorage } from './read-storage';
import { createTriggerAndAwaitSync } from './trigger-and-await-sync';
import { createTriggerSync } from './trigger-sync';

/** The activities a worker registers, bound to its Label Studio connections (and its OpenLineage endpoint, if any). */
export function createActivities(registry: LabelStudioClientRegistry, lineage?: LineageConfig) {
  return {
    readStorage: createReadStorage(registry, lineage !== undefined),
    triggerSync: createTriggerSync(registry),
    awaitSyncEnd: createAwaitSyncEnd(registry),
    triggerAndAwaitSync: createTriggerAndAwaitSync(registry),
    listExportStorages: createListExportStorages(registry),
    awaitSyncWorkflow,
    checkWorkflowInput,
    countTargetObjects: createCountTargetObjects(registry),
    verifyTargetKeys: createVerifyTargetKeys(registry),
    readProjectCounters: createReadProjectCounters(registry),
    emitLineage: createEmitLineage(registry, lineage),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type * from './types';
export type * from './fan-out-types';
export type { ReadProjectCountersInput } from './read-project-counters';
export type { ProjectCounters } from '../labelstudio/project-counters';

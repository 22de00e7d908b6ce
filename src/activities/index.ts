import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { createAwaitSyncEnd } from './await-sync-end';
import { createReadStorage } from './read-storage';
import { createTriggerSync } from './trigger-sync';

/** The activities a worker registers, bound to its Label Studio connections. */
export function createActivities(registry: LabelStudioClientRegistry) {
  return {
    readStorage: createReadStorage(registry),
    triggerSync: createTriggerSync(registry),
    awaitSyncEnd: createAwaitSyncEnd(registry),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type * from './types';

import { activityInfo, log } from '@temporalio/activity';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { resolveClient } from './resolve-client';
import { toSnapshot } from './snapshot';
import { asActivity } from './to-failure';
import type { TriggerSyncInput, TriggerSyncResult } from './types';

/**
 * Triggers one sync, exactly once across retries. Label Studio bumps meta.attempts whenever it
 * queues a sync, so a retry (after a lost answer, a timeout or a worker crash) first reads the
 * storage: a count above the baseline means the earlier POST landed and must not be repeated.
 */
export function createTriggerSync(registry: LabelStudioClientRegistry) {
  return async function triggerSync({ ref, baselineAttempts }: TriggerSyncInput): Promise<TriggerSyncResult> {
    const client = resolveClient(registry, ref.connection);
    if (activityInfo().attempt > 1) {
      const current = toSnapshot(await asActivity(() => client.getExportStorage(ref.type, ref.id)));
      if (current.attempts > baselineAttempts) {
        log.info('earlier sync trigger had landed; not posting again', { ...ref, syncAttempt: current.attempts });
        return { snapshot: current, posted: false, syncAttempt: baselineAttempts + 1 };
      }
    }
    const snapshot = toSnapshot(await asActivity(() => client.triggerExportSync(ref.type, ref.id)));
    log.info('sync triggered', { ...ref, status: snapshot.status, syncAttempt: snapshot.attempts });
    return { snapshot, posted: true, syncAttempt: Math.max(snapshot.attempts, baselineAttempts + 1) };
  };
}

import { activityInfo, log } from '@temporalio/activity';
import type { LabelStudioClient } from '../labelstudio/client';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { LabelStudioError } from '../labelstudio/errors';
import { heartbeatWhile, waitHeartbeating } from './heartbeat-while';
import { resolveClient } from './resolve-client';
import { toSnapshot } from './snapshot';
import { toActivityFailure } from './to-failure';
import type { StorageRef, TriggerSyncInput, TriggerSyncResult } from './types';

/**
 * Triggers one sync, exactly once across retries. Label Studio bumps meta.attempts whenever it
 * queues a sync, so a retry (after a lost answer, a timeout or a worker crash) first reads the
 * storage: a count above the baseline means the earlier POST landed and must not be repeated.
 * A POST that got no answer at all may still be on its way: the activity waits until it cannot be.
 */
export function createTriggerSync(registry: LabelStudioClientRegistry) {
  return async function triggerSync({ ref, baselineAttempts }: TriggerSyncInput): Promise<TriggerSyncResult> {
    const client = resolveClient(registry, ref.connection);
    if (activityInfo().attempt > 1) {
      const landed = await landedSince(client, ref, baselineAttempts, 0);
      if (landed) return landed;
    }
    const sentAt = Date.now();
    let answer;
    try {
      answer = await heartbeatWhile(() => client.triggerExportSync(ref.type, ref.id));
    } catch (err) {
      if (err instanceof LabelStudioError && (err.kind === 'connection' || err.kind === 'timeout')) {
        const landed = await landedSince(client, ref, baselineAttempts, settledAt(client, sentAt));
        if (landed) return landed;
      }
      throw toActivityFailure(err);
    }
    const snapshot = toSnapshot(answer);
    log.info('sync triggered', { ...ref, status: snapshot.status, syncAttempt: snapshot.attempts });
    return { snapshot, posted: true, syncAttempt: Math.max(snapshot.attempts, baselineAttempts + 1) };
  };
}

/**
 * When a POST that got no answer can no longer land: Label Studio registers a request it received
 * well within the response timeout, so twice that after sending is taken as "never arrived".
 */
function settledAt(client: LabelStudioClient, sentAt: number): number {
  return sentAt + 2 * client.responseTimeoutMs;
}

/**
 * Reads until meta.attempts shows the POST landed, or until `settled` (epoch ms) has passed without
 * it. A read that fails while the POST may still land does not end the activity: its retry would
 * read again too soon and could post a second time, so it looks again once the POST cannot land.
 */
async function landedSince(client: LabelStudioClient, ref: StorageRef, baselineAttempts: number, settled: number): Promise<TriggerSyncResult | undefined> {
  for (;;) {
    const settling = Date.now() < settled;
    const current = await heartbeatWhile(() => client.getExportStorage(ref.type, ref.id)).then(toSnapshot, (err: unknown) => {
      if (settling) return undefined;
      throw toActivityFailure(err);
    });
    if (current && current.attempts > baselineAttempts) {
      log.info('earlier sync trigger had landed; not posting again', { ...ref, syncAttempt: current.attempts });
      return { snapshot: current, posted: false, syncAttempt: current.attempts };
    }
    if (!settling) return undefined;
    await waitHeartbeating(settled);
  }
}

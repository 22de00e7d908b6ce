import { activityInfo, heartbeat } from '@temporalio/activity';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { heartbeatWhile } from './heartbeat-while';
import { resolveClient } from './resolve-client';
import { toSnapshot } from './snapshot';
import { toActivityFailure } from './to-failure';
import type { ReadStorageOptions, RequestRoute, StorageRef, StorageRead } from './types';
import { unreachableFailure, unreachableSince, type UnreachableMark } from './unreachable';

/**
 * Reads the storage. With `unreachableTimeoutMs`, its tries count how long Label Studio has not answered and stop at it.
 * `lineageOn` tells the workflow to emit OpenLineage events; off, the result is as before lineage existed.
 * A `routed` read of a connection with a request budget reads nothing: it names the queue to read on.
 */
export function createReadStorage(registry: LabelStudioClientRegistry, lineageOn = false, now: () => number = Date.now) {
  async function readStorage(ref: StorageRef, options?: Omit<ReadStorageOptions, 'routed'>): Promise<StorageRead>;
  async function readStorage(ref: StorageRef, options: ReadStorageOptions): Promise<StorageRead | RequestRoute>;
  async function readStorage(ref: StorageRef, options: ReadStorageOptions = {}): Promise<StorageRead | RequestRoute> {
    const client = resolveClient(registry, ref.connection);
    const requestQueue = options.routed && registry.requestQueue(activityInfo().taskQueue, ref.connection);
    if (requestQueue) return { requestQueue };
    const previous = options.unreachableTimeoutMs === undefined ? undefined : (activityInfo().heartbeatDetails as UnreachableMark | undefined);
    const storage = await heartbeatWhile(() => client.getExportStorage(ref.type, ref.id), previous).catch((err: unknown) => {
      if (options.unreachableTimeoutMs === undefined) throw toActivityFailure(err);
      const at = now();
      const since = unreachableSince(err, previous?.unreachableSince, at);
      heartbeat({ unreachableSince: since } satisfies UnreachableMark); // a failure flushes it to the next try
      throw unreachableFailure(err, since, at, options.unreachableTimeoutMs) ?? toActivityFailure(err);
    });
    return { ...toSnapshot(storage), responseTimeoutMs: client.responseTimeoutMs, readTimeoutMs: client.readTimeoutMs, ...(lineageOn && { lineage: true as const }) };
  }
  return readStorage;
}

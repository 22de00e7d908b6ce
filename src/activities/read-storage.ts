import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { heartbeatWhile } from './heartbeat-while';
import { resolveClient } from './resolve-client';
import { toSnapshot } from './snapshot';
import { asActivity } from './to-failure';
import type { StorageRef, StorageRead } from './types';

export function createReadStorage(registry: LabelStudioClientRegistry) {
  return async function readStorage(ref: StorageRef): Promise<StorageRead> {
    const client = resolveClient(registry, ref.connection);
    const snapshot = toSnapshot(await heartbeatWhile(() => asActivity(() => client.getExportStorage(ref.type, ref.id))));
    return { ...snapshot, responseTimeoutMs: client.responseTimeoutMs, readTimeoutMs: client.readTimeoutMs };
  };
}

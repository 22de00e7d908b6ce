import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { resolveClient } from './resolve-client';
import { toSnapshot } from './snapshot';
import { asActivity } from './to-failure';
import type { StorageRef, StorageSnapshot } from './types';

export function createReadStorage(registry: LabelStudioClientRegistry) {
  return async function readStorage(ref: StorageRef): Promise<StorageSnapshot> {
    const client = resolveClient(registry, ref.connection);
    return toSnapshot(await asActivity(() => client.getExportStorage(ref.type, ref.id)));
  };
}

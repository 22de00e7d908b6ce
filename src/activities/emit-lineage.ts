import { log } from '@temporalio/activity';
import { packageVersion } from '../cli/package-version';
import type { LineageConfig } from '../config/lineage';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { runEvent, type DatasetName, type LineageEventInput } from '../lineage/run-event';
import { targetDataset } from '../lineage/target-dataset';
import { lineageTransport, type SendLineage } from '../lineage/transport';
import type { StorageRef } from './types';

/**
 * Sends one OpenLineage event of a sync run. The target (bucket, path, host) is read from Label
 * Studio here, in the worker, so it never enters history; a worker without lineage sends nothing.
 */
export function createEmitLineage(registry: LabelStudioClientRegistry, config: LineageConfig | undefined, send: SendLineage | undefined = config && lineageTransport(config)) {
  const producer = `https://www.npmjs.com/package/label-studio-temporal/v/${packageVersion()}`;
  return async function emitLineage(input: LineageEventInput): Promise<void> {
    if (!config || !send) return; // the worker that runs this has lineage off: nothing to send to
    await send(runEvent(input, { namespace: config.namespace, producer, target: await readTarget(registry, input.ref) }));
  };
}

/** A Label Studio that cannot be read must not hold up the event (a FAIL often says just that): it goes without its output. */
async function readTarget(registry: LabelStudioClientRegistry, ref: StorageRef): Promise<DatasetName | null> {
  const client = registry.get(ref.connection);
  if (!client) return null;
  try {
    return targetDataset(ref.type, await client.getExportStorage(ref.type, ref.id));
  } catch (err) {
    log.warn('OpenLineage event goes without its output dataset: the storage could not be read', { storage: `${ref.type}/${ref.id}`, error: (err as Error).name });
    return null;
  }
}

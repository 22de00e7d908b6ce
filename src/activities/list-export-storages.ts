import { activityInfo, log } from '@temporalio/activity';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { isStorageType } from '../labelstudio/storage-types';
import { compileTitlePattern } from '../labelstudio/title-pattern';
import { resolveClient } from './resolve-client';
import { asActivity } from './to-failure';
import type { ListExportStoragesInput, StorageSummary } from './fan-out-types';
import type { RequestRoute } from './types';

/**
 * A project's export storages as small summaries (no bucket names or credentials reach history),
 * filtered by type and title. One type uses the per-type route; otherwise the aggregate one.
 * A `routed` listing of a connection with a request budget lists nothing: it names the queue to list on.
 */
export function createListExportStorages(registry: LabelStudioClientRegistry) {
  async function listExportStorages(input: ListExportStoragesInput): Promise<StorageSummary[]>;
  async function listExportStorages(input: ListExportStoragesInput, options: { routed: true }): Promise<StorageSummary[] | RequestRoute>;
  async function listExportStorages(
    { connection, project, types, title, titlePattern }: ListExportStoragesInput,
    options: { routed?: true } = {},
  ): Promise<StorageSummary[] | RequestRoute> {
    const client = resolveClient(registry, connection);
    const requestQueue = options.routed && registry.requestQueue(activityInfo().taskQueue, connection);
    if (requestQueue) return { requestQueue };
    // A bad pattern fails (non-retryable) before Label Studio is asked anything.
    const titleMatcher = titlePattern === undefined ? undefined : compileTitlePattern(titlePattern);
    const listed = await asActivity(() => client.listExportStorages(project, types?.length === 1 ? types[0] : undefined));
    const summaries: StorageSummary[] = [];
    for (const s of listed) {
      if (!isStorageType(s.type)) {
        log.warn('skipping an export storage of a type this package does not know', { project, type: s.type, id: s.id });
        continue;
      }
      const storageTitle = typeof s.title === 'string' ? s.title : null;
      if (types && !types.includes(s.type)) continue;
      if (title !== undefined && storageTitle !== title) continue;
      if (titleMatcher && !titleMatcher.test(storageTitle ?? '')) continue;
      summaries.push({ type: s.type, id: s.id, title: storageTitle, status: s.status, synchronizable: s.synchronizable !== false });
    }
    return summaries;
  }
  return listExportStorages;
}

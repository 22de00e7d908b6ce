import type { ExportStorage } from '../labelstudio/export-storage';
import type { StorageType } from '../labelstudio/storage-types';
import { countLocalFiles } from './localfiles';
import { loadWithPeer } from './optional-peer';
import type { TargetConfig } from './target-config';
import { PermanentTargetError, type CountProgress, type TargetCount } from './target-count';

/** Counts the objects at an export storage's target, with the client for its kind, loaded on first use. */
export async function countTarget(type: StorageType, storage: ExportStorage, config: TargetConfig, progress: CountProgress): Promise<TargetCount> {
  switch (type) {
    case 'gcs':
    case 'gcs_sa':
    case 'gcswif': {
      const { countGcsObjects } = await loadWithPeer('@google-cloud/storage', () => import('./gcs.js'));
      return countGcsObjects(field(storage, 'bucket'), optional(storage, 'prefix'), config.gcs, progress);
    }
    case 's3':
    case 's3s': {
      const { countS3Objects } = await loadWithPeer('@aws-sdk/client-s3', () => import('./s3.js'));
      return countS3Objects(
        { bucket: field(storage, 'bucket'), prefix: optional(storage, 'prefix'), endpoint: optional(storage, 's3_endpoint'), region: optional(storage, 'region_name') },
        config.s3,
        progress,
      );
    }
    case 'redis': {
      const { countRedisKeys } = await loadWithPeer('redis', () => import('./redis.js'));
      return countRedisKeys({ host: optional(storage, 'host'), port: optional(storage, 'port'), db: redisDb(storage) }, config.redis);
    }
    case 'localfiles':
      return countLocalFiles(field(storage, 'path'), config.localfilesRoots);
    case 'azure':
    case 'azure_spi':
    case 'databricks':
      throw new PermanentTargetError(`counting the objects of ${type} storages is not supported (supported: gcs, gcs_sa, gcswif, s3, s3s, redis, localfiles)`);
  }
}

function optional(storage: ExportStorage, name: string): string | undefined {
  const value = storage[name];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function field(storage: ExportStorage, name: string): string {
  const value = optional(storage, name);
  if (value === undefined) throw new PermanentTargetError(`${storage.type ?? 'export'} storage ${storage.id} has no ${name}`);
  return value;
}

/** Label Studio's export default is db 2. */
function redisDb(storage: ExportStorage): number {
  const db = Number(storage.db ?? 2);
  if (!Number.isSafeInteger(db) || db < 0) throw new PermanentTargetError(`redis storage ${storage.id} has an invalid db ${JSON.stringify(storage.db)}`);
  return db;
}

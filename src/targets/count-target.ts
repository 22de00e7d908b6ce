import type { ExportStorage } from '../labelstudio/export-storage';
import type { StorageType } from '../labelstudio/storage-types';
import { listLocalFiles } from './localfiles';
import { loadWithPeer } from './optional-peer';
import type { TargetConfig } from './target-config';
import { countListing, PermanentTargetError, type CountProgress, type TargetCount, type TargetListing } from './target-count';

/**
 * Counts the objects at an export storage's target, with the client for its kind, loaded on first use:
 * by listing them, except in Redis, whose db size is one command.
 */
export async function countTarget(type: StorageType, storage: ExportStorage, config: TargetConfig, progress: CountProgress): Promise<TargetCount> {
  if (type === 'azure' || type === 'azure_spi' || type === 'databricks') throw unsupported('counting', type);
  if (type === 'redis') {
    const { countRedisKeys } = await loadWithPeer('redis', () => import('./redis.js'));
    return countRedisKeys(redisLocation(storage), config.redis);
  }
  return countListing(await listTargetKeys(type, storage, config), progress);
}

/** Lists the keys at an export storage's target, relative to its prefix, with the client for its kind. */
export async function listTargetKeys(type: StorageType, storage: ExportStorage, config: TargetConfig): Promise<TargetListing> {
  switch (type) {
    case 'gcs':
    case 'gcs_sa':
    case 'gcswif': {
      const { listGcsKeys } = await loadWithPeer('@google-cloud/storage', () => import('./gcs.js'));
      return listGcsKeys(field(storage, 'bucket'), optional(storage, 'prefix'), config.gcs);
    }
    case 's3':
    case 's3s': {
      const { listS3Keys } = await loadWithPeer('@aws-sdk/client-s3', () => import('./s3.js'));
      return listS3Keys(s3Location(storage), config.s3);
    }
    case 'redis': {
      const { listRedisKeys } = await loadWithPeer('redis', () => import('./redis.js'));
      return listRedisKeys(redisLocation(storage), config.redis);
    }
    case 'localfiles':
      return listLocalFiles(field(storage, 'path'), config.localfilesRoots);
    case 'azure':
    case 'azure_spi':
    case 'databricks':
      throw unsupported('listing', type);
  }
}

function unsupported(what: string, type: StorageType): PermanentTargetError {
  return new PermanentTargetError(`${what} the objects of ${type} storages is not supported (supported: gcs, gcs_sa, gcswif, s3, s3s, redis, localfiles)`);
}

function s3Location(storage: ExportStorage) {
  return { bucket: field(storage, 'bucket'), prefix: optional(storage, 'prefix'), endpoint: optional(storage, 's3_endpoint'), region: optional(storage, 'region_name') };
}

function redisLocation(storage: ExportStorage) {
  return { host: optional(storage, 'host'), port: optional(storage, 'port'), db: redisDb(storage) };
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

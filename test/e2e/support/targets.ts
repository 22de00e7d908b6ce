// Reads and clears the targets of the four export storage kinds the real Label Studio writes to.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportStorageType } from '../../../dev/local/label-studio-seed';
import { redisCommand, type RunningRedis } from '../../../dev/local/redis-server';
import type { RunningBucketEmulator } from '../../../dev/local/storage-emulators';

export interface Targets {
  folder: string;
  redis: RunningRedis;
  redisDb: number;
  gcs: RunningBucketEmulator;
  s3: RunningBucketEmulator;
  bucket: string;
  /** Key prefix of the gcs and s3 storages, without the slash Label Studio adds. */
  prefix: string;
}

/** Object key (without the storage's prefix) → body, for what the target holds now. */
export async function readTarget(t: Targets, type: ExportStorageType): Promise<Map<string, string>> {
  const objects = new Map<string, string>();
  switch (type) {
    case 'localfiles':
      for (const entry of await readdir(t.folder, { withFileTypes: true })) {
        if (entry.isFile()) objects.set(entry.name, await readFile(join(t.folder, entry.name), 'utf8'));
      }
      break;
    case 'redis':
      for (const key of (await redisCommand(t.redis.port, ['KEYS', '*'], { db: t.redisDb })) as string[]) {
        objects.set(key, (await redisCommand(t.redis.port, ['GET', key], { db: t.redisDb })) as string);
      }
      break;
    case 'gcs':
    case 's3': {
      const emulator = type === 'gcs' ? t.gcs : t.s3;
      for (const key of await emulator.listObjects(t.bucket, `${t.prefix}/`)) {
        objects.set(key.slice(t.prefix.length + 1), await emulator.getObject(t.bucket, key));
      }
      break;
    }
  }
  return objects;
}

/** Empties the target, so what it holds after a sync is what that sync wrote. */
export async function clearTarget(t: Targets, type: ExportStorageType): Promise<void> {
  switch (type) {
    case 'localfiles':
      for (const name of await readdir(t.folder)) await rm(join(t.folder, name), { recursive: true });
      break;
    case 'redis':
      await redisCommand(t.redis.port, ['FLUSHDB'], { db: t.redisDb });
      break;
    case 'gcs':
    case 's3': {
      const emulator = type === 'gcs' ? t.gcs : t.s3;
      await emulator.deleteBucket(t.bucket);
      await emulator.createBucket(t.bucket);
      break;
    }
  }
}

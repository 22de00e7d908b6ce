// End to end against a real Label Studio 1.23.2 (PyPI), redis-server and bucket emulators on loopback:
// every export storage kind syncs, and the target itself holds one object per annotation.
// The first run installs Label Studio and the emulators into ~/.cache/label-studio-temporal (minutes).
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelStudioJson, startLabelStudio, type RunningLabelStudio } from '../../dev/local/label-studio-server';
import { addAnnotations, seedLabelStudio, type CreatedExportStorage, type ExportStorageType, type SeededProject } from '../../dev/local/label-studio-seed';
import { redisCommand, startRedis, type RunningRedis } from '../../dev/local/redis-server';
import { MOTO_CREDENTIALS, startFakeGcsServer, startMotoS3, type RunningBucketEmulator } from '../../dev/local/storage-emulators';

const TASKS = 4;
const BUCKET = 'ls-export';
const REDIS_DB = 2;
const TEST_TIMEOUT_MS = 120_000;

interface StorageAnswer {
  id: number;
  type: string;
  status: string;
  last_sync_count: number | null;
  last_sync_job: string | null;
  traceback: string | null;
  meta: { attempts?: number; total_annotations?: number };
}

describe('Label Studio harness (real server)', () => {
  let ls: RunningLabelStudio;
  let redis: RunningRedis;
  let gcs: RunningBucketEmulator;
  let s3: RunningBucketEmulator;
  let seeded: SeededProject;
  let annotationIds: number[];
  const exportDir = (): string => join(ls.documentRoot, 'export');

  const api = <T>(method: string, path: string, body?: unknown): Promise<T> =>
    labelStudioJson<T>(ls.url, `Token ${ls.legacyToken}`, method, path, body);
  const storage = (type: ExportStorageType): CreatedExportStorage => {
    const found = seeded.storages.find((s) => s.type === type);
    if (!found) throw new Error(`no ${type} storage seeded`);
    return found;
  };

  /** Keys and bodies of what the storage's target holds now. */
  async function readTarget(type: ExportStorageType): Promise<Map<string, string>> {
    const objects = new Map<string, string>();
    switch (type) {
      case 'localfiles':
        for (const name of await readdir(exportDir())) objects.set(name, await readFile(join(exportDir(), name), 'utf8'));
        break;
      case 'redis':
        for (const key of (await redisCommand(redis.port, ['KEYS', '*'], { db: REDIS_DB })) as string[]) {
          objects.set(key, (await redisCommand(redis.port, ['GET', key], { db: REDIS_DB })) as string);
        }
        break;
      case 'gcs':
      case 's3': {
        const emulator = type === 'gcs' ? gcs : s3;
        for (const key of await emulator.listObjects(BUCKET)) objects.set(key, await emulator.getObject(BUCKET, key));
        break;
      }
    }
    return objects;
  }

  async function clearTarget(type: ExportStorageType): Promise<void> {
    switch (type) {
      case 'localfiles':
        for (const name of await readdir(exportDir())) await rm(join(exportDir(), name));
        break;
      case 'redis':
        await redisCommand(redis.port, ['FLUSHDB'], { db: REDIS_DB });
        break;
      case 'gcs':
      case 's3':
        await (type === 'gcs' ? gcs : s3).deleteBucket(BUCKET);
        await (type === 'gcs' ? gcs : s3).createBucket(BUCKET);
        break;
    }
  }

  function expectOneExportPerAnnotation(objects: Map<string, string>): void {
    expect([...objects.keys()].sort()).toEqual(annotationIds.map(String).sort());
    for (const [key, body] of objects) {
      // Community 1.23.2 writes the annotation (with its task nested) under the annotation id, no extension.
      const annotation = JSON.parse(body) as { id: number; result: unknown[]; task: { id: number } };
      expect(annotation.id).toBe(Number(key));
      expect(annotation.result).toHaveLength(1);
      expect(seeded.taskIds).toContain(annotation.task.id);
    }
  }

  beforeAll(async () => {
    [redis, gcs, s3] = await Promise.all([startRedis(), startFakeGcsServer(), startMotoS3()]);
    // google-cloud-storage only looks for its emulator in the environment, so it is set at start.
    ls = await startLabelStudio({ env: { STORAGE_EMULATOR_HOST: gcs.url } });
    await gcs.createBucket(BUCKET);
    await s3.createBucket(BUCKET);
    seeded = await seedLabelStudio(ls, {
      taskCount: TASKS,
      title: 'harness e2e',
      storages: [
        { type: 'localfiles', path: join(ls.documentRoot, 'export') },
        { type: 'redis', host: redis.host, port: redis.port, db: REDIS_DB },
        { type: 'gcs', bucket: BUCKET },
        { type: 's3', bucket: BUCKET, endpoint: s3.url, ...MOTO_CREDENTIALS },
      ],
    });
    annotationIds = [...seeded.annotationIds];
  }, 30 * 60_000);

  afterAll(async () => {
    await Promise.all([ls?.stop(), redis?.stop(), gcs?.stop(), s3?.stop()]);
  }, 60_000);

  it('accepts the legacy token and the personal access token at once', async () => {
    const { access } = await labelStudioJson<{ access: string }>(ls.url, undefined, 'POST', '/api/token/refresh/', {
      refresh: ls.personalAccessToken,
    });
    const viaPat = await labelStudioJson<{ id: number }>(ls.url, `Bearer ${access}`, 'GET', `/api/projects/${seeded.projectId}`);
    const viaLegacy = await api<{ id: number }>('GET', `/api/projects/${seeded.projectId}`);
    expect(viaPat.id).toBe(seeded.projectId);
    expect(viaLegacy.id).toBe(seeded.projectId);
  }, TEST_TIMEOUT_MS);

  it('seeding already filled every target (sync on creation)', async () => {
    for (const type of ['localfiles', 'redis', 'gcs', 's3'] as const) expectOneExportPerAnnotation(await readTarget(type));
  }, TEST_TIMEOUT_MS);

  it.each(['localfiles', 'redis', 'gcs', 's3'] as const)('POST sync of %s rewrites one object per annotation', async (type) => {
    await clearTarget(type);
    expect((await readTarget(type)).size).toBe(0);
    const { id } = storage(type);
    const before = await api<StorageAnswer>('GET', `/api/storages/export/${type}/${id}`);
    const answer = await api<StorageAnswer>('POST', `/api/storages/export/${type}/${id}/sync`);
    // Community runs the sync inside the request: the answer is already final.
    expect(answer).toMatchObject({ id, type, status: 'completed', last_sync_job: null, last_sync_count: annotationIds.length });
    expect(answer.meta.total_annotations).toBe(annotationIds.length);
    expect(answer.meta.attempts).toBe((before.meta.attempts ?? 0) + 1);
    expectOneExportPerAnnotation(await readTarget(type));
  }, TEST_TIMEOUT_MS);

  it('writes annotations added later to every target as they are saved', async () => {
    annotationIds.push(...(await addAnnotations(ls, seeded.taskIds.slice(0, 2))));
    for (const type of ['localfiles', 'redis', 'gcs', 's3'] as const) expectOneExportPerAnnotation(await readTarget(type));
  }, TEST_TIMEOUT_MS);

  // Label Studio checks the connection before it syncs: when the target is gone the POST fails with 500
  // and the storage keeps the status and count of its previous sync. Redis is stopped, so this runs last.
  it.each([
    ['localfiles', 'does not exist'],
    ['gcs', '404'],
    ['s3', 'HeadBucket operation: Not Found'],
    ['redis', 'Connection refused'],
  ] as const)('sync of %s whose target is gone answers 500 and keeps the old status', async (type, detail) => {
    const { id } = storage(type);
    if (type === 'localfiles') await rm(exportDir(), { recursive: true });
    else if (type === 'redis') await redis.stop();
    else await (type === 'gcs' ? gcs : s3).deleteBucket(BUCKET);
    const sync = await fetch(`${ls.url}/api/storages/export/${type}/${id}/sync`, {
      method: 'POST',
      headers: { Authorization: `Token ${ls.legacyToken}` },
    });
    expect(sync.status).toBe(500);
    expect(((await sync.json()) as { detail: string }).detail).toContain(detail);
    const after = await api<StorageAnswer>('GET', `/api/storages/export/${type}/${id}`);
    expect(after).toMatchObject({ status: 'completed', traceback: null });
  }, TEST_TIMEOUT_MS);
});

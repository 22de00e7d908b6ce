// The target counters against real servers: fake-gcs-server, moto's S3, redis-server and a folder. Each
// target holds exports under the storage's prefix plus decoys beside it, and pages are kept tiny so a
// counter that stopped after the first page, or ignored the prefix, would be caught.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Storage } from '@google-cloud/storage';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error';
import type { ExportStorage } from '../../src/labelstudio/export-storage';
import { redisCommand, startRedis, type RunningRedis } from '../../dev/local/redis-server';
import { MOTO_CREDENTIALS, startFakeGcsServer, startMotoS3, type RunningBucketEmulator } from '../../dev/local/storage-emulators';
import { countTarget, listTargetKeys } from '../../src/targets/count-target';
import { listGcsKeys } from '../../src/targets/gcs';
import { listLocalFiles, workerPath } from '../../src/targets/localfiles';
import { countRedisKeys, listRedisKeys } from '../../src/targets/redis';
import { redactAddresses } from '../../src/targets/redact';
import { listS3Keys } from '../../src/targets/s3';
import { loadTargetConfig, type TargetConfig } from '../../src/targets/target-config';
import { countListing, PermanentTargetError, type CountProgress, type TargetListing } from '../../src/targets/target-count';
import { resolveSyncInput } from '../../src/schema/sync-input';

const BUCKET = 'verify';
const EXPORTS = ['exports/1', 'exports/2', 'exports/3', 'exports/4', 'exports/5'];
const DECOYS = ['other/6', 'exports-old/7', 'exports'];
const noProgress = () => undefined;

/** The counts, as countTarget makes them, over one kind's listing. */
const countGcsObjects = (bucket: string, prefix: string, config: { endpoint: string }, progress: CountProgress, pageSize?: number) =>
  countListing(listGcsKeys(bucket, prefix, config, pageSize), progress);
const countS3Objects = (location: Parameters<typeof listS3Keys>[0], config: Parameters<typeof listS3Keys>[1], progress: CountProgress, pageSize?: number) =>
  countListing(listS3Keys(location, config, pageSize), progress);
const countLocalFiles = (path: string, roots: Parameters<typeof listLocalFiles>[1]) => countListing(listLocalFiles(path, roots));

/** Every page of a listing, in order. */
async function pagesOf(listing: TargetListing): Promise<string[][]> {
  const pages: string[][] = [];
  for await (const page of listing.pages) pages.push(page);
  return pages;
}

describe('target counters', () => {
  let gcs: RunningBucketEmulator;
  let s3: RunningBucketEmulator;
  let redis: RunningRedis;
  let folder: string;
  let gcsClient: Storage;
  let s3Client: S3Client;

  beforeAll(async () => {
    [gcs, s3, redis] = await Promise.all([startFakeGcsServer(), startMotoS3(), startRedis()]);
    folder = await mkdtemp(join(tmpdir(), 'verify-target-'));
    await Promise.all([gcs.createBucket(BUCKET), s3.createBucket(BUCKET)]);
    gcsClient = new Storage({ apiEndpoint: gcs.url, projectId: 'test' });
    s3Client = new S3Client({ endpoint: s3.url, forcePathStyle: true, region: MOTO_CREDENTIALS.region, credentials: MOTO_CREDENTIALS });
    for (const key of [...EXPORTS, ...DECOYS]) {
      await gcsClient.bucket(BUCKET).file(key).save('{}', { resumable: false });
      await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{}' }));
    }
  }, 15 * 60_000);

  afterAll(async () => {
    s3Client?.destroy();
    await Promise.all([gcs?.stop(), s3?.stop(), redis?.stop(), folder && rm(folder, { recursive: true, force: true })]);
  });

  it('gcs: counts every page under "<prefix>/", nothing beside it', async () => {
    const pages: number[] = [];
    const counted = await countGcsObjects(BUCKET, 'exports', { endpoint: gcs.url }, (n) => pages.push(n), 2);
    expect(counted).toEqual({ target: 'gcs bucket "verify" under "exports/"', objects: EXPORTS.length });
    expect(pages).toEqual([2, 4, 5]);
    expect((await countGcsObjects(BUCKET, '', { endpoint: gcs.url }, noProgress, 3)).objects).toBe(EXPORTS.length + DECOYS.length);
  });

  it('gcs: one object fewer after one is deleted; a missing bucket is an error', async () => {
    await gcsClient.bucket(BUCKET).file('exports/5').delete();
    expect((await countGcsObjects(BUCKET, 'exports', { endpoint: gcs.url }, noProgress, 2)).objects).toBe(EXPORTS.length - 1);
    await expect(countGcsObjects('no-such-bucket', 'exports', { endpoint: gcs.url }, noProgress)).rejects.toThrow(/404|not found|does not exist/i);
  });

  it('s3: counts every page under "<prefix>/", nothing beside it, with the storage\'s endpoint when the worker sets none', async () => {
    const pages: number[] = [];
    const location = { bucket: BUCKET, prefix: 'exports', endpoint: s3.url, region: undefined };
    const counted = await countS3Objects(location, { credentials: MOTO_CREDENTIALS }, (n) => pages.push(n), 2);
    expect(counted).toEqual({ target: 's3 bucket "verify" under "exports/"', objects: EXPORTS.length });
    expect(pages).toEqual([2, 4, 5]);
    // The worker's endpoint wins over the storage's (here one that does not answer).
    const viaWorker = await countS3Objects({ ...location, endpoint: 'http://127.0.0.1:9', prefix: null }, { endpoint: s3.url, credentials: MOTO_CREDENTIALS }, noProgress);
    expect(viaWorker.objects).toBe(EXPORTS.length + DECOYS.length);
  });

  it('s3: a missing bucket is an error', async () => {
    const location = { bucket: 'no-such-bucket', prefix: 'exports', endpoint: s3.url, region: undefined };
    await expect(countS3Objects(location, { credentials: MOTO_CREDENTIALS }, noProgress)).rejects.toThrow(/NoSuchBucket|does not exist/);
  });

  it('redis: counts the keys of the storage\'s db only; the worker may give its own address and password', async () => {
    for (const key of ['1', '2', '3']) await redisCommand(redis.port, ['SET', key, '{}'], { db: 2 });
    await redisCommand(redis.port, ['SET', 'elsewhere', '{}'], { db: 3 });
    const location = { host: redis.host, port: String(redis.port), db: 2 };
    expect(await countRedisKeys(location, {})).toEqual({ target: 'redis db 2', objects: 3 });
    expect((await countRedisKeys({ ...location, db: 3 }, {})).objects).toBe(1);
    const unreachable = { host: 'redis.invalid', port: '1', db: 2 };
    await expect(countRedisKeys(unreachable, {})).rejects.toThrow();
    expect((await countRedisKeys(unreachable, { url: `redis://${redis.host}:${redis.port}` })).objects).toBe(3);

    await redisCommand(redis.port, ['CONFIG', 'SET', 'requirepass', 'target-secret']);
    await expect(countRedisKeys(location, {})).rejects.toThrow(/NOAUTH|auth/i);
    expect((await countRedisKeys(location, { password: 'target-secret' })).objects).toBe(3);
  });

  it('localfiles: counts the regular files in the folder, through the worker\'s root mapping', async () => {
    const exportDir = join(folder, 'export');
    await mkdir(join(exportDir, 'nested'), { recursive: true });
    for (const name of ['1', '2', '3', 'nested/4']) await writeFile(join(exportDir, name), '{}');
    const roots = [{ labelStudio: '/label-studio/files', worker: folder }];
    expect(await countLocalFiles('/label-studio/files/export', roots)).toEqual({ target: 'folder "/label-studio/files/export"', objects: 3 });
    expect((await countLocalFiles(exportDir, [])).objects).toBe(3);
    await expect(countLocalFiles('/label-studio/files/gone', roots)).rejects.toThrow(/ENOENT/);
  });

  it('lists the keys under the prefix, without it, page by page, on every kind', async () => {
    // By now the gcs test deleted exports/5, and the redis test set a password on its server.
    const gcsPages = await pagesOf(listGcsKeys(BUCKET, 'exports', { endpoint: gcs.url }, 2));
    expect(gcsPages).toEqual([['1', '2'], ['3', '4']]);
    const s3Location = { bucket: BUCKET, prefix: 'exports', endpoint: s3.url, region: undefined };
    const s3Pages = await pagesOf(listS3Keys(s3Location, { credentials: MOTO_CREDENTIALS }, 2));
    expect(s3Pages).toEqual([['1', '2'], ['3', '4'], ['5']]);
    expect((await pagesOf(listS3Keys({ ...s3Location, prefix: null }, { credentials: MOTO_CREDENTIALS }))).flat().sort()).toEqual([...EXPORTS, ...DECOYS].sort());
    const redisKeys = await pagesOf(listRedisKeys({ host: redis.host, port: String(redis.port), db: 2 }, { password: 'target-secret' }, 1));
    expect(new Set(redisKeys.flat())).toEqual(new Set(['1', '2', '3']));
    const files = await pagesOf(listLocalFiles('/label-studio/files/export', [{ labelStudio: '/label-studio/files', worker: folder }]));
    expect(files.flat().sort()).toEqual(['1', '2', '3']); // nested/4 is no export
  });

  it('maps Label Studio paths by the longest matching root, and only at folder boundaries', () => {
    const roots = [{ labelStudio: '/data', worker: '/mnt/a' }, { labelStudio: '/data/media', worker: '/mnt/b' }];
    expect(workerPath('/data/media/x', roots)).toBe('/mnt/b/x');
    expect(workerPath('/data/x', roots)).toBe('/mnt/a/x');
    expect(workerPath('/database/x', roots)).toBe('/database/x');
  });

  it('picks the counter from the storage type and refuses kinds it cannot count', async () => {
    const config: TargetConfig = { gcs: { endpoint: gcs.url }, s3: {}, redis: {}, localfilesRoots: [], keys: 'annotation' };
    const storage = { id: 9, type: 'gcs_sa', project: 1, status: 'completed', bucket: BUCKET, prefix: 'exports' } as ExportStorage;
    expect((await countTarget('gcs_sa', storage, config, noProgress)).objects).toBe(EXPORTS.length - 1);
    await expect(countTarget('azure', storage, config, noProgress)).rejects.toBeInstanceOf(PermanentTargetError);
    await expect(countTarget('s3', { ...storage, bucket: '' }, config, noProgress)).rejects.toThrow(/has no bucket/);
    expect((await pagesOf(await listTargetKeys('gcs_sa', storage, config))).flat()).toEqual(['1', '2', '3', '4']);
    await expect(listTargetKeys('azure', storage, config)).rejects.toThrow(/listing the objects of azure storages is not supported/);
  });
});

describe('target configuration', () => {
  it('reads LABEL_STUDIO_TARGET_* for the default connection and LABEL_STUDIO_<NAME>_TARGET_* for others', () => {
    const env = {
      LABEL_STUDIO_TARGET_GCS_ENDPOINT: 'http://127.0.0.1:4443',
      LABEL_STUDIO_EU_WEST_TARGET_S3_ENDPOINT: 'https://minio.internal:9000',
      LABEL_STUDIO_EU_WEST_TARGET_S3_ACCESS_KEY_ID: 'id',
      LABEL_STUDIO_EU_WEST_TARGET_S3_SECRET_ACCESS_KEY: 'secret',
      LABEL_STUDIO_EU_WEST_TARGET_LOCALFILES_ROOTS: '/ls/files/=/mnt/files, /ls/other=/mnt/other',
    };
    expect(loadTargetConfig('default', env).gcs.endpoint).toBe('http://127.0.0.1:4443');
    const eu = loadTargetConfig('eu-west', env);
    expect(eu.gcs.endpoint).toBeUndefined();
    expect(eu.s3).toEqual({ endpoint: 'https://minio.internal:9000', region: undefined, credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } });
    expect(eu.localfilesRoots).toEqual([{ labelStudio: '/ls/files', worker: '/mnt/files' }, { labelStudio: '/ls/other', worker: '/mnt/other' }]);
    expect(eu.keys).toBe('annotation'); // Label Studio's default naming
    expect(loadTargetConfig('default', { LABEL_STUDIO_TARGET_KEYS: 'task.json' }).keys).toBe('task.json');
  });

  it.each([
    [{ LABEL_STUDIO_TARGET_S3_ENDPOINT: 'minio:9000' }, 'LABEL_STUDIO_TARGET_S3_ENDPOINT'],
    [{ LABEL_STUDIO_TARGET_REDIS_URL: 'http://redis:6379' }, 'LABEL_STUDIO_TARGET_REDIS_URL'],
    [{ LABEL_STUDIO_TARGET_S3_ACCESS_KEY_ID: 'id' }, 'LABEL_STUDIO_TARGET_S3_SECRET_ACCESS_KEY'],
    [{ LABEL_STUDIO_TARGET_LOCALFILES_ROOTS: 'relative=/mnt' }, 'LABEL_STUDIO_TARGET_LOCALFILES_ROOTS'],
    [{ LABEL_STUDIO_TARGET_KEYS: 'task-id' }, 'LABEL_STUDIO_TARGET_KEYS'],
  ])('refuses %j, naming the variable', (env, variable) => {
    expect(() => loadTargetConfig('default', env)).toThrow(ConfigError);
    expect(() => loadTargetConfig('default', env)).toThrow(variable);
  });

  it('keeps target addresses out of error messages', () => {
    expect(redactAddresses('connect ECONNREFUSED 10.1.2.3:6379')).toBe('connect ECONNREFUSED <address>');
    expect(redactAddresses('request to http://minio.internal:9000/b?x=1 failed')).toBe('request to <url> failed');
    expect(redactAddresses('getaddrinfo ENOTFOUND redis.internal')).toBe('getaddrinfo ENOTFOUND <host>');
  });
});

describe('policy.verifyTarget', () => {
  const input = (verifyTarget: unknown) => ({ storageType: 'gcs' as const, storageId: 1, policy: { verifyTarget } as never });

  it('defaults to off, so a workflow started without it schedules what it always did', () => {
    expect(resolveSyncInput({ storageType: 'gcs', storageId: 1 }).verifyTarget).toBe('off');
    expect(resolveSyncInput(input('strict')).verifyTarget).toBe('strict');
  });

  it('refuses anything else, naming the field', () => {
    expect(() => resolveSyncInput(input('always'))).toThrow(/policy\.verifyTarget.*off, warn, strict/);
  });
});

// syncExportStorage end to end: the run's real Temporal dev server, a real Label Studio 1.23.2 (one for
// the whole file), redis-server, fake-gcs-server and moto. Every check reads the target itself, not only
// what Label Studio says about it. Label Studio also writes each annotation to every export storage when
// it is saved, so each sync test empties the target first: what it holds afterwards, the sync wrote.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { awaitSyncReport } from '../../src/client/sync-client';
import { FailureType } from '../../src/failure-types';
import { freeLoopbackPort } from '../../src/local/child-process';
import { labelStudioJson, startLabelStudio, type RunningLabelStudio } from '../../dev/local/label-studio-server';
import { addAnnotations, seedLabelStudio, type ExportStorageType, type SeededProject } from '../../dev/local/label-studio-seed';
import { startRedis, type RunningRedis } from '../../dev/local/redis-server';
import { MOTO_CREDENTIALS, startFakeGcsServer, startMotoS3, type RunningBucketEmulator } from '../../dev/local/storage-emulators';
import { targetEnvPrefix } from '../../src/targets/target-config';
import type { SyncPolicy } from '../../src/schema/sync-input';
import { syncWorkflowId } from '../../src/workflows/workflow-ids';
import { startLineageReceiver, type ReceivedLineage } from '../helpers/lineage-receiver';
import { openLineageProblems } from '../helpers/openlineage-schema';
import { runSync, startSync, syncError } from '../helpers/sync-run';
import { labelStudioConnection, startTestWorker, TEST_CONNECTION, type TestTemporal } from '../helpers/temporal';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy';
import { shortLivedAccessTokens, type ShortLivedAccessTokens } from './support/short-lived-access-tokens';
import { clearTarget, readTarget, type Targets } from './support/targets';
import { startWriteRefusingProxy, type WriteRefusingProxy } from './support/write-refusing-proxy';

const KINDS = ['localfiles', 'redis', 'gcs', 's3'] as const;
/** The client renews an access token 30 s before it expires: with 32 s tokens, each is due 2 s after issue. */
const ACCESS_TOKEN_SECONDS = 32;
const PAT = `${TEST_CONNECTION}-pat`;
const BAD_KEY = `${TEST_CONNECTION}-bad-key`;
const BAD_PAT = `${TEST_CONNECTION}-bad-pat`;

interface StorageAnswer {
  status: string;
  meta: { attempts?: number };
}

describe('syncExportStorage against a real Label Studio', () => {
  let ls: RunningLabelStudio;
  let redis: RunningRedis;
  let gcs: RunningBucketEmulator;
  let s3: RunningBucketEmulator;
  let tokens: ShortLivedAccessTokens;
  let targets: Targets;
  let seeded: SeededProject;
  let annotationIds: number[];
  let proxies: Record<'pat' | 'badKey' | 'badPat', RecordingProxy>;
  let lineage: ReceivedLineage;
  /** Label Studio's way to each bucket: writes of chosen objects can be refused there. */
  let bucketProxies: Record<'gcs' | 's3', WriteRefusingProxy>;
  let t: TestTemporal;

  const storageId = (type: ExportStorageType): number => {
    const found = seeded.storages.find((s) => s.type === type);
    if (!found) throw new Error(`no ${type} storage seeded`);
    return found.id;
  };
  const readStorage = (type: ExportStorageType) =>
    labelStudioJson<StorageAnswer>(ls.url, `Token ${ls.legacyToken}`, 'GET', `/api/storages/export/${type}/${storageId(type)}`);
  const sync = (type: ExportStorageType, policy: SyncPolicy = {}, connection = TEST_CONNECTION) =>
    runSync(t.client, t.taskQueue, type, storageId(type), policy, connection);

  function expectOneExportPerAnnotation(objects: Map<string, string>): void {
    expect([...objects.keys()].sort()).toEqual(annotationIds.map(String).sort());
    for (const [key, body] of objects) {
      const annotation = JSON.parse(body) as { id: number; result: Array<{ value: { choices: string[] } }>; task: { id: number } };
      expect(annotation.id).toBe(Number(key));
      expect(annotation.result[0]?.value.choices).toHaveLength(1);
      expect(seeded.taskIds).toContain(annotation.task.id);
    }
  }

  /** The attempt number of every activity task the workflow ran: [1] means one activity, never retried. */
  async function activityAttempts(connection: string, type: ExportStorageType): Promise<number[]> {
    const history = await t.client.workflow.getHandle(syncWorkflowId(connection, type, storageId(type))).fetchHistory();
    return (history.events ?? []).flatMap((e) => {
      if (e.activityTaskStartedEventAttributes) return [e.activityTaskStartedEventAttributes.attempt ?? 0];
      const marker = e.markerRecordedEventAttributes;
      if (marker?.markerName !== 'core_local_activity') return [];
      // the first read: a local activity, whose marker carries its attempt
      const data = marker.details?.['data']?.payloads?.[0]?.data;
      return data ? [(JSON.parse(Buffer.from(data).toString()) as { attempt: number }).attempt] : [];
    });
  }

  beforeAll(async () => {
    tokens = await shortLivedAccessTokens(ACCESS_TOKEN_SECONDS);
    [redis, gcs, s3] = await Promise.all([startRedis(), startFakeGcsServer(), startMotoS3()]);
    // google-cloud-storage finds its emulator only in the environment, so it is set at start.
    const [gcsProxy, s3Proxy] = await Promise.all([startWriteRefusingProxy(gcs.url), startWriteRefusingProxy(s3.url)]);
    bucketProxies = { gcs: gcsProxy!, s3: s3Proxy! };
    ls = await startLabelStudio({ env: { STORAGE_EMULATOR_HOST: bucketProxies.gcs.url, ...tokens.env } });
    targets = { folder: join(ls.documentRoot, 'export'), redis, redisDb: 2, gcs, s3, bucket: 'ls-export', prefix: 'annotations' };
    await Promise.all([gcs.createBucket(targets.bucket), s3.createBucket(targets.bucket)]);
    seeded = await seedLabelStudio(ls, {
      taskCount: 4,
      title: 'sync e2e',
      storages: [
        { type: 'localfiles', path: targets.folder },
        { type: 'redis', host: redis.host, port: redis.port, db: targets.redisDb },
        { type: 'gcs', bucket: targets.bucket, prefix: targets.prefix },
        { type: 's3', bucket: targets.bucket, prefix: targets.prefix, endpoint: bucketProxies.s3.url, ...MOTO_CREDENTIALS },
      ],
    });
    annotationIds = [...seeded.annotationIds];

    // The worker's own way to the targets: GCS needs its emulator named; S3 uses the storage's s3_endpoint
    // with the worker's credentials; redis and the folder are where Label Studio sees them.
    const target = targetEnvPrefix(TEST_CONNECTION);
    process.env[`${target}GCS_ENDPOINT`] = gcs.url;
    process.env[`${target}S3_ACCESS_KEY_ID`] = MOTO_CREDENTIALS.accessKeyId;
    process.env[`${target}S3_SECRET_ACCESS_KEY`] = MOTO_CREDENTIALS.secretAccessKey;

    const [pat, badKey, badPat] = await Promise.all([1, 2, 3].map(() => startRecordingProxy(ls.url)));
    proxies = { pat: pat!, badKey: badKey!, badPat: badPat! };
    lineage = await startLineageReceiver();
    t = await startTestWorker([
      labelStudioConnection(TEST_CONNECTION, ls.url, ls.legacyToken),
      labelStudioConnection(PAT, proxies.pat.url, ls.personalAccessToken),
      labelStudioConnection(BAD_KEY, proxies.badKey.url, `wrong-${randomBytes(12).toString('hex')}`),
      labelStudioConnection(BAD_PAT, proxies.badPat.url, forgedPersonalAccessToken()),
    ], { lineage: { transport: 'http', url: lineage.url, namespace: 'e2e' } });
  }, 30 * 60_000);

  afterAll(async () => {
    await t?.close();
    await Promise.all([ls?.stop(), redis?.stop(), gcs?.stop(), s3?.stop(), tokens?.remove(), lineage?.close(), ...[...Object.values(proxies ?? {}), ...Object.values(bucketProxies ?? {})].map((p) => p.close())]);
  }, 60_000);

  describe('on every storage kind (legacy token)', () => {
    it.each(KINDS)('%s: one Label Studio sync writes one annotation export per annotation, and the count at the target confirms it', async (type) => {
      await clearTarget(targets, type);
      const before = (await readStorage(type)).meta.attempts ?? 0;
      const report = await sync(type, { verifyTarget: 'strict' });
      expect(report.outcome).toBe('completed');
      expect(report.attempts).toEqual([
        expect.objectContaining({ mode: 'triggered', status: 'completed', syncAttempt: before + 1, lastSyncCount: annotationIds.length }),
      ]);
      expect(report.verification).toMatchObject({ status: 'verified', expected: annotationIds.length, found: annotationIds.length, missing: 0 });
      expectOneExportPerAnnotation(await readTarget(targets, type));
    });
  });

  it('emits OpenLineage START and COMPLETE for a sync, under the run id of its workflow run, valid against the spec', async () => {
    await clearTarget(targets, 's3');
    const { handle } = await startSync(t.client, t.taskQueue, 's3', storageId('s3'));
    const report = await awaitSyncReport(handle);
    expect(report.outcome).toBe('completed');
    const { runId } = await handle.describe();
    // Each event comes from a workflow of its own, started before the sync's result: COMPLETE may follow it.
    const events = await vi.waitFor(() => {
      const ofRun = lineage.events.filter((e) => e.body.run.runId === runId);
      expect(ofRun.map((e) => e.body.eventType)).toEqual(['START', 'COMPLETE']);
      return ofRun;
    }, { timeout: 30_000, interval: 200 });
    for (const { body, raw } of events) {
      expect(openLineageProblems(body)).toEqual([]);
      expect(body.job).toMatchObject({ namespace: 'e2e', name: `label-studio-sync/${TEST_CONNECTION}/s3/${storageId('s3')}` });
      expect(body.inputs).toEqual([{ namespace: `label-studio://${TEST_CONNECTION}`, name: `projects/${seeded.projectId}` }]);
      expect(body.outputs[0]).toMatchObject({ namespace: `s3://${targets.bucket}`, name: targets.prefix });
      for (const secret of [ls.url, new URL(ls.url).host, ls.legacyToken, MOTO_CREDENTIALS.secretAccessKey]) expect(raw).not.toContain(secret);
    }
    expect(events[1]!.body.outputs[0].outputFacets.outputStatistics.rowCount).toBe(annotationIds.length);
  });

  describe('annotations made after a sync', () => {
    beforeAll(async () => {
      annotationIds.push(...(await addAnnotations(ls, seeded.taskIds.slice(0, 2))));
    });

    it.each(KINDS)('%s: show up at the target after the next sync', async (type) => {
      await clearTarget(targets, type); // drop what saving them wrote: only the sync may bring them back
      const report = await sync(type, { verifyTarget: 'strict' });
      expect(report.attempts[0]?.lastSyncCount).toBe(annotationIds.length);
      expect(report.verification?.found).toBe(annotationIds.length);
      expectOneExportPerAnnotation(await readTarget(targets, type));
    });
  });

  describe('target verification', () => {
    // Label Studio cannot write a file where a folder stands; it swallows that error and reports completed.
    it('finds the export Label Studio failed to write: a warning under warn, a TargetShortfall failure under strict', async () => {
      await clearTarget(targets, 'localfiles');
      const blocked = join(targets.folder, String(annotationIds[0]));
      await mkdir(blocked);
      try {
        const n = annotationIds.length;
        const warned = await sync('localfiles', { verifyTarget: 'warn' });
        expect(warned.outcome).toBe('completed');
        expect(warned.attempts[0]).toMatchObject({ status: 'completed', lastSyncCount: n });
        expect(warned.verification).toMatchObject({ policy: 'warn', status: 'shortfall', expected: n, found: n - 1, missing: 1 });
        expect(warned.warnings.join('\n')).toContain(`holds ${n - 1} object(s) but Label Studio synced ${n}: 1 missing`);

        const failed = await syncError(sync('localfiles', { verifyTarget: 'strict' }));
        expect(failed.failureType).toBe(FailureType.TargetShortfall);
        expect(failed.message).toContain('1 missing');
        expect(failed.report?.attempts.map((a) => a.status)).toEqual(['completed']);
        expect(failed.report?.verification).toMatchObject({ policy: 'strict', status: 'shortfall', missing: 1 });
      } finally {
        await rm(blocked, { recursive: true });
      }
    });

    it('fails a strict sync whose target it cannot count, keeping the target\'s address out of the failure', async () => {
      const port = await freeLoopbackPort(); // nothing listens there
      process.env[`${targetEnvPrefix(PAT)}REDIS_URL`] = `redis://127.0.0.1:${port}`;
      const err = await syncError(sync('redis', { verifyTarget: 'strict' }, PAT));
      expect(err.failureType).toBe(FailureType.TargetShortfall);
      expect(err.report?.attempts.map((a) => a.status)).toEqual(['completed']);
      expect(err.report?.verification).toMatchObject({ status: 'unverified', found: null, expected: annotationIds.length });
      expect(err.message).toMatch(/could not count the objects at the target: redis storage \d+: .*ECONNREFUSED <address>/);
      expect(err.message).not.toContain(String(port));
    });

    // The target loses one object (its upload refused) while an object left by an annotation deleted long
    // ago stands in for it: the count adds up, the keys do not.
    it.each(['gcs', 's3'] as const)('%s: keys names the object a failed write lost, where a stale object fools the count', async (type) => {
      await clearTarget(targets, type);
      const emulator = type === 'gcs' ? gcs : s3;
      const lost = annotationIds[0]!;
      await emulator.putObject(targets.bucket, `${targets.prefix}/999999`, '{}');
      bucketProxies[type].refused.add(`${targets.prefix}/${lost}`);
      try {
        const n = annotationIds.length;
        const counted = await sync(type, { verifyTarget: 'strict' });
        expect(bucketProxies[type].refusals).toBeGreaterThanOrEqual(1);
        expect(counted.attempts).toEqual([expect.objectContaining({ status: 'completed', lastSyncCount: n })]); // Label Studio saw no error
        expect(counted.verification).toMatchObject({ check: 'count', status: 'verified', expected: n, found: n });

        const keyed = await sync(type, { verifyTarget: 'warn', verifyBy: 'keys' });
        expect(keyed.outcome).toBe('completed');
        expect(keyed.verification).toMatchObject({ check: 'keys', status: 'shortfall', expected: n, found: n - 1, missing: 1, missingKeys: [String(lost)], stale: 1 });
        expect(keyed.verification?.keys?.cost).toMatchObject({ labelStudioRequests: 2, targetRequests: 1 });
        expect(keyed.warnings.join('\n')).toContain(`lacks 1 of the ${n} key(s) the sync should have written: ${lost}`);
        expect([...(await readTarget(targets, type)).keys()]).not.toContain(String(lost));
      } finally {
        bucketProxies[type].refused.clear();
      }
    });

    it('leaves the report without a verification when the policy is off', async () => {
      const report = await sync('redis');
      expect(report.outcome).toBe('completed');
      expect(report.verification).toBeUndefined();
    });
  });

  describe('authentication', () => {
    it('a personal access token is exchanged for Bearer tokens, renewed before they expire', async () => {
      const earlier = proxies.pat.requests.length;
      const first = await sync('localfiles', {}, PAT);
      await sleep((ACCESS_TOKEN_SECONDS - 30) * 1000 + 500); // the token of the first sync is now due for renewal
      const second = await sync('localfiles', {}, PAT);
      expect([first.outcome, second.outcome]).toEqual(['completed', 'completed']);

      const requests = proxies.pat.requests.slice(earlier);
      const refreshes = requests.filter((r) => r.method === 'POST' && r.path === '/api/token/refresh/');
      const api = requests.filter((r) => r.path.startsWith('/api/storages/'));
      // The first sync may still use a token an earlier test got; the second one must use a renewed one.
      expect(refreshes.length).toBeGreaterThanOrEqual(1);
      expect(api.every((r) => r.authorization?.startsWith('Bearer '))).toBe(true);
      expect(new Set(api.map((r) => r.authorization)).size).toBeGreaterThanOrEqual(2);
      // Renewed ahead of time, not after a 401. (A read the client gave up on under load has no answer: no 401 either.)
      expect(requests.filter((r) => r.status !== undefined && r.status !== 200)).toEqual([]);
    });

    it('a wrong legacy key fails at once, without retries, saying the key was refused', async () => {
      // "At once" is the one request and the one activity attempt below, not a time.
      const err = await syncError(sync('localfiles', {}, BAD_KEY));
      expect(err.failureType).toBe('LabelStudio.unauthorized');
      expect(err.message).toMatch(/HTTP 401.*refused the API key/);
      expect(err.report?.attempts).toEqual([]);
      expect(proxies.badKey.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 401']);
      // the local read, one try
      expect(await activityAttempts(BAD_KEY, 'localfiles')).toEqual([1]);
    });

    it('a wrong personal access token fails at once, without retries, saying the token was refused', async () => {
      const err = await syncError(sync('localfiles', {}, BAD_PAT));
      expect(err.failureType).toBe('LabelStudio.unauthorized');
      expect(err.message).toMatch(/refused the personal access token/);
      expect(proxies.badPat.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /api/token/refresh/ 401']);
      // the local read, one try
      expect(await activityAttempts(BAD_PAT, 'localfiles')).toEqual([1]);
    });
  });

  it('two syncs of one storage requested at the same moment run one Label Studio sync', async () => {
    const before = (await readStorage('redis')).meta.attempts ?? 0;
    const started = await Promise.all([startSync(t.client, t.taskQueue, 'redis', storageId('redis')), startSync(t.client, t.taskQueue, 'redis', storageId('redis'))]);
    expect(started.map((s) => s.joined).sort()).toEqual([false, true]);
    const [a, b] = await Promise.all(started.map((s) => awaitSyncReport(s.handle)));
    expect(a).toEqual(b);
    expect(a?.attempts).toHaveLength(1);
    expect((await readStorage('redis')).meta.attempts).toBe(before + 1);
  });

  // Last: these take the targets away (redis is stopped for good). Community refuses the sync POST with a
  // 500 while the target is gone; the workflow counts each refusal as a failed attempt.
  describe('a storage whose target has gone', () => {
    it.concurrent.each([
      ['localfiles', 'does not exist', () => rm(targets.folder, { recursive: true })],
      ['gcs', '404', () => gcs.deleteBucket(targets.bucket)],
      ['s3', 'NoSuchBucket', () => s3.deleteBucket(targets.bucket)],
      ['redis', 'Connection refused', () => redis.stop()],
    ] as const)('%s: retried per the policy, then failed with Label Studio\'s error', async (type, detail, removeTarget) => {
      await removeTarget();
      const before = await readStorage(type);
      const err = await syncError(sync(type, { maxAttempts: 2, retryBackoff: { initial: '200ms' } }));
      expect(err.failureType).toBe(FailureType.SyncFailed);
      expect(err.message).toContain('failed 2 time(s), the maximum');
      expect(err.message).toContain(detail);
      expect(err.report?.attempts.map((a) => a.status)).toEqual(['failed', 'failed']);
      expect(err.report?.attempts[1]?.traceback).toContain('HTTP 500');
      // Label Studio never started a sync: its counter and status are those of the last good one.
      expect(await readStorage(type)).toMatchObject({ status: before.status, meta: { attempts: before.meta.attempts } });
    });
  });
});

/** Shaped like a personal access token (a JWT refresh token) but signed by no Label Studio. */
function forgedPersonalAccessToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ token_type: 'refresh', exp, jti: randomBytes(16).toString('hex'), user_id: '1' })}.${randomBytes(32).toString('base64url')}`;
}

// npm run bench:verify-keys [-- objects]: key-level target verification of a large export, on a Temporal
// dev server against the simulator (whose task list pages like Label Studio's) and real bucket emulators
// (fake-gcs-server, moto). Each bucket holds one object per annotation under the storage's prefix, less
// one lost object, plus one stale object standing in for it. Each target is checked by count and by keys
// through a real sync workflow; prints requests, time and the worker process's memory. Asserts nothing.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runStorageSync } from '../src/client/sync-client';
import { startTemporalDevServer } from '../src/local/temporal-dev-server';
import { MOTO_CREDENTIALS, startFakeGcsServer, startMotoS3, type RunningBucketEmulator } from '../dev/local/storage-emulators';
import { LabelStudioSimulator } from '../src/simulator';
import type { SyncPolicy } from '../src/schema/sync-input';
import { startSimulatorWorker } from './simulator-worker';
import { seconds } from './stats';

const BUCKET = 'bench';
const PREFIX = 'exports';
const UPLOADS_IN_FLIGHT = 32;

async function main(): Promise<void> {
  const objects = Number(process.argv[2] ?? 100_000);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const gcsRoot = mkdtempSync(join(tmpdir(), 'verify-keys-gcs-'));
  const [server, sim, gcs, s3] = await Promise.all([startTemporalDevServer({ ui: false }), LabelStudioSimulator.start(), startFakeGcsServer({ filesystemRoot: gcsRoot }), startMotoS3()]);
  process.env.LABEL_STUDIO_TARGET_GCS_ENDPOINT = gcs.url;
  process.env.LABEL_STUDIO_TARGET_S3_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.LABEL_STUDIO_TARGET_S3_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  const { client, taskQueue, stop } = await startSimulatorWorker(server, sim, 'verify-keys', { connectTimeoutMs: 5_000, responseTimeoutMs: 30_000 });
  try {
    const project = 1;
    const ids = sim.annotate(project, objects);
    const rows: string[] = [];
    for (const emulator of [gcs, s3]) {
      const fill = Date.now();
      await fillBucket(emulator, ids);
      console.error(`${emulator.kind}: ${objects} objects uploaded in ${seconds(Date.now() - fill)} s`);
      const fields = emulator.kind === 's3' ? { bucket: BUCKET, prefix: PREFIX, s3_endpoint: s3.url } : { bucket: BUCKET, prefix: PREFIX };
      const type = emulator.kind;
      const id = sim.addStorage({ type, project, script: [{ status: 'completed', count: objects }], fields });
      for (const verifyBy of ['count', 'keys'] as const) {
        const policy: SyncPolicy = { verifyTarget: 'warn', verifyBy, poll: { initial: '1s', max: '1s' } };
        const before = sim.requests.length;
        const memory = sampleMemory();
        const started = Date.now();
        const report = await runStorageSync(client, { storageType: type, storageId: id, policy }, { taskQueue });
        const wallMs = Date.now() - started;
        const peak = memory.stop();
        const v = report.verification;
        const labelStudioRequests = sim.requests.length - before;
        const targetRequests = v?.keys?.cost.targetRequests ?? Math.ceil(objects / 1000);
        const finding = v?.check === 'keys' ? `missing ${v.missing} (${v.missingKeys?.join(', ')}), stale ${v.stale}` : `found ${v?.found} of ${v?.expected}`;
        rows.push(
          `| ${type} | ${verifyBy} | ${objects.toLocaleString('en')} | ${v?.status} | ${finding} | ${labelStudioRequests} | ${targetRequests}${v?.keys ? '' : ' (pages)'} | ${seconds(v?.keys?.cost.durationMs ?? Number.NaN)} | ${seconds(wallMs)} | ${mib(peak.rss)} / ${mib(peak.heap)} |`,
        );
      }
    }
    console.log(`${objects.toLocaleString('en')} annotations; each bucket holds all but one of their objects and one stale object; Node ${process.version}\n`);
    console.log('| target | check | objects | status | finding | Label Studio requests (whole sync) | target listing requests | check time (s) | sync wall time (s) | worker peak RSS / heap growth (MiB) |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    rows.forEach((row) => console.log(row));
    console.log(`\nA check by HEAD per expected object would send ${objects.toLocaleString('en')} target requests (not run).`);
  } finally {
    await stop();
    await Promise.all([sim.close(), gcs.stop(), s3.stop()]);
    await server.stop();
    rmSync(gcsRoot, { recursive: true, force: true });
  }
}

/** One object per annotation but the first (lost), and one no annotation names (stale). */
async function fillBucket(emulator: RunningBucketEmulator, ids: number[]): Promise<void> {
  await emulator.createBucket(BUCKET);
  const keys = [...ids.slice(1).map((id) => `${PREFIX}/${id}`), `${PREFIX}/stale-${randomUUID()}`];
  let next = 0;
  await Promise.all(
    Array.from({ length: UPLOADS_IN_FLIGHT }, async () => {
      while (next < keys.length) await emulator.putObject(BUCKET, keys[next++]!, '{}');
    }),
  );
}

/** Peak RSS and heap above their values at the start, sampled every 50 ms. */
function sampleMemory(): { stop(): { rss: number; heap: number } } {
  const start = process.memoryUsage();
  const peak = { rss: 0, heap: 0 };
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss - start.rss);
    peak.heap = Math.max(peak.heap, now.heapUsed - start.heapUsed);
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

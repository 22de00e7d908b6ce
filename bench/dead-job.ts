// npx tsx bench/dead-job.ts [syncs per policy]: how soon a sync whose Label Studio job died is noticed and
// retried, in real time (no skipped clock), on a Temporal dev server against the simulator. Each sync runs a
// 1 h export pinging every 5 s; its job is killed (simulator killSync) at a random moment 10–50 s in. Prints,
// per policy, kill → the list read whose health check marked it failed, and kill → the retry's sync POST.
// Asserts nothing.
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startStorageSync } from '../src/client/sync-client';
import { startTemporalDevServer } from '../src/local/temporal-dev-server';
import { LabelStudioSimulator } from '../src/simulator';
import type { SyncPolicy } from '../src/schema/sync-input';
import { startSimulatorWorker } from './simulator-worker';
import { quantile, seconds } from './stats';

const POLICIES: Record<string, SyncPolicy> = {
  'default (poll.max 15 s, retryBackoff 1 min)': { maxAttempts: 2 },
  'retryBackoff 1 s': { maxAttempts: 2, retryBackoff: { initial: '1s' } },
  'poll.max 5 min, retryBackoff 1 s': { maxAttempts: 2, poll: { max: '5m' }, retryBackoff: { initial: '1s' } },
};

interface Measured {
  noticedMs: number;
  retriedMs: number;
  checks: number;
}

async function main(): Promise<void> {
  const perPolicy = Number(process.argv[2] ?? 4);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const server = await startTemporalDevServer({ ui: false });
  const sim = await LabelStudioSimulator.start();
  const { client, taskQueue, stop } = await startSimulatorWorker(server, sim, 'dead-job');
  try {
    let project = 0;
    const results = await Promise.all(
      Object.entries(POLICIES).map(async ([label, policy]) => {
        const measured = await Promise.all(Array.from({ length: perPolicy }, () => killOne(sim, client, taskQueue, (project += 1), policy)));
        return { label, measured };
      }),
    );
    console.log(`${perPolicy} syncs per policy, jobs killed 10–50 s into a 1 h export (pings every 5 s)\n`);
    console.log('| policy | kill → marked failed p50 / max | kill → retry POST p50 / max | checks after the kill |');
    console.log('| --- | --- | --- | --- |');
    for (const { label, measured } of results) {
      const col = (key: keyof Measured) => measured.map((m) => m[key]);
      const range = (xs: number[]) => `${seconds(quantile(xs, 0.5))} / ${seconds(Math.max(...xs))}`;
      console.log(`| ${label} | ${range(col('noticedMs'))} | ${range(col('retriedMs'))} | ${col('checks').join(', ')} |`);
    }
  } finally {
    await stop();
    await sim.close();
    await server.stop();
  }
}

async function killOne(sim: LabelStudioSimulator, client: Client, taskQueue: string, project: number, policy: SyncPolicy): Promise<Measured> {
  const id = sim.addStorage({ type: 's3', project, script: [{ status: 'completed', runMs: 3_600_000, count: 100_000 }, { status: 'completed', runMs: 500 }] });
  const { handle } = await startStorageSync(client, { storageType: 's3', storageId: id, policy }, { taskQueue });
  while (sim.storage('s3', id)['status'] !== 'in_progress') await sleep(100);
  await sleep(10_000 + Math.random() * 40_000);
  sim.killSync('s3', id);
  const killedAt = sim.clock.now();
  await handle.result();
  const after = sim.requests.filter((r) => r.at >= killedAt);
  const listRead = after.find((r) => r.path.includes(`?project=${project}`));
  const retry = after.find((r) => r.method === 'POST' && r.path === `/api/storages/export/s3/${id}/sync`);
  if (!listRead || !retry) throw new Error(`storage ${id}: no list read or no retry after the kill`);
  const checks = after.filter((r) => r.method === 'GET' && r.path === `/api/storages/export/s3/${id}` && r.at <= listRead.at).length;
  return { noticedMs: listRead.at - killedAt, retriedMs: retry.at - killedAt, checks };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

// npm run bench:rss [-- <syncs, default 1000> <another built worker.js>…]: the peak RSS of a built worker
// process (`node dist/worker.js`, npm run build first) while it runs that many concurrent storage syncs
// against the simulator on a Temporal dev server; then the same for each other build given (e.g. main's).
// Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { runStorageSync } from '../src/client/sync-client';
import { startTemporalDevServer, type RunningDevServer } from '../src/local/temporal-dev-server';
import { LabelStudioSimulator } from '../src/simulator';

const ROOT = join(__dirname, '..');
const SYNC_RUN_MS = 20_000;

interface Peak {
  peakMib: number;
  completed: number;
  seconds: number;
}

/** VmHWM: the process's peak resident set so far. */
function peakRssMib(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line?.split(/\s+/)[1] ?? Number.NaN) / 1024;
}

async function measure(workerJs: string, syncs: number, server: RunningDevServer, client: Client): Promise<Peak> {
  const sim = await LabelStudioSimulator.start();
  const taskQueue = `bench-rss-${randomUUID()}`;
  const connection = `rss${randomUUID().slice(0, 8)}`; // fresh workflow ids per build
  const worker = spawn(process.execPath, [workerJs], {
    env: {
      PATH: process.env.PATH ?? '',
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      LABEL_STUDIO_CONNECTIONS: connection,
      [`LABEL_STUDIO_${connection.toUpperCase()}_URL`]: sim.url,
      [`LABEL_STUDIO_${connection.toUpperCase()}_API_KEY`]: sim.legacyToken,
      LABEL_STUDIO_TEMPORAL_TASK_QUEUE: taskQueue,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const started = Date.now();
  try {
    const ids = Array.from({ length: syncs }, () => sim.addStorage({ type: 'gcs', project: 1, script: [{ status: 'completed', queuedMs: 10, runMs: SYNC_RUN_MS }] }));
    const reports = await Promise.all(ids.map((storageId) => runStorageSync(client, { connection, storageType: 'gcs', storageId }, { taskQueue })));
    return { peakMib: peakRssMib(worker.pid!), completed: reports.filter((r) => r.outcome === 'completed').length, seconds: (Date.now() - started) / 1000 };
  } finally {
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('close', resolve));
    await sim.close();
  }
}

async function main(): Promise<void> {
  const syncs = Number(process.argv[2] ?? 1000);
  const workers = [join(ROOT, 'dist', 'worker.js'), ...process.argv.slice(3)];
  const server = await startTemporalDevServer({ ui: false });
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection, namespace: server.namespace });
    console.log(`Worker peak RSS (VmHWM) over ${syncs} concurrent syncs of ${SYNC_RUN_MS / 1000} s each`);
    console.log('| worker | peak RSS MiB | completed | seconds |');
    console.log('|---|---:|---:|---:|');
    for (const workerJs of workers) {
      const peak = await measure(workerJs, syncs, server, client);
      console.log(`| ${relative(ROOT, workerJs)} | ${peak.peakMib.toFixed(0)} | ${peak.completed}/${syncs} | ${peak.seconds.toFixed(0)} |`);
    }
  } finally {
    await connection.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

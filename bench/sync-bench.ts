// Measures, against the simulator on a real Temporal dev server, what one successful sync costs:
// history events (they must not grow with the sync's length), Label Studio requests, and how long
// after the sync ends the workflow notices. Prints figures; asserts nothing.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { runStorageSync } from '../src/client/sync-client';
import { startTemporalDevServer } from '../src/local/temporal-dev-server';
import { LabelStudioSimulator } from '../src/simulator';
import { createSyncWorker } from '../src/worker/create-worker';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import type { SyncPolicy } from '../src/workflows/sync-policy';

interface Case {
  label: string;
  runMs: number;
  policy: SyncPolicy;
}

const DEFAULT_POLL: SyncPolicy = {}; // the package defaults: poll 2s × 1.5 up to 15s
const SLOW_POLL: SyncPolicy = { poll: { initial: '2s', coefficient: 1.5, max: '1m' } };


const only = process.argv.slice(2);
const cases: Case[] = [
  { label: '1 s sync, default poll', runMs: 1_000, policy: DEFAULT_POLL },
  { label: '30 s sync, default poll', runMs: 30_000, policy: DEFAULT_POLL },
  { label: '5 min sync, default poll', runMs: 300_000, policy: DEFAULT_POLL },
  { label: '30 s sync, poll max 1 min', runMs: 30_000, policy: SLOW_POLL },
  { label: '5 min sync, poll max 1 min', runMs: 300_000, policy: SLOW_POLL },
].filter((c) => only.length === 0 || only.some((o) => c.label.startsWith(o)));

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const server = await startTemporalDevServer({ ui: false });
  const sim = await LabelStudioSimulator.start();
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const taskQueue = `bench-${randomUUID()}`;
  const { worker, run } = await createSyncWorker({
    connection: native,
    namespace: server.namespace,
    taskQueue,
    labelStudio: new Map([['bench', { name: 'bench', baseUrl: sim.url, apiKey: sim.legacyToken, connectTimeoutMs: 5_000, responseTimeoutMs: 30_000 }]]),
  });
  const running = run();
  try {
    console.log(`running ${cases.length} syncs side by side (the longest takes ${Math.max(...cases.map((c) => c.runMs)) / 1000} s)…`);
    const rows = await Promise.all(
      cases.map(async (c) => {
        const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', queuedMs: 200, runMs: c.runMs }] });
        const report = await runStorageSync(client, { connection: 'bench', storageType: 'gcs_sa', storageId: id, policy: c.policy }, { taskQueue });
        const history = await client.workflow.getHandle(syncWorkflowId('bench', 'gcs_sa', id)).fetchHistory();
        const requests = sim.requests.filter((r) => r.path.startsWith(`/api/storages/export/gcs_sa/${id}`));
        const ended = Date.parse(report.final!.lastSync!);
        const noticed = Date.parse(report.attempts[0]!.endedAt);
        return {
          case: c.label,
          outcome: report.outcome,
          historyEvents: history.events?.length ?? 0,
          requests: requests.length,
          gets: requests.filter((r) => r.method === 'GET').length,
          posts: requests.filter((r) => r.method === 'POST').length,
          noticedAfterMs: noticed - ended,
        };
      }),
    );
    console.table(rows);
  } finally {
    worker.shutdown();
    await running;
    await native.close();
    await connection.close();
    await sim.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

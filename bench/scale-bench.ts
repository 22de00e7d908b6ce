// Scale run (not part of npm test): N concurrent 5 s syncs against the simulator, with 1 or 2 worker
// processes (the package's worker, default tuning, prebuilt bundle). Prints syncs/s, worker RSS peak,
// server CPU per sync, detection p50/p95/p99, the delay to each sync's first workflow task, and errors.
//
//   tsx bench/scale-bench.ts --syncs 100,1000 --workers 1,2                 (starts a Temporal dev server)
//   tsx bench/scale-bench.ts --address 127.0.0.1:7233 --server-match temporal-server,postgres --label postgres
//                                        (a running server; scripts/scale-bench.sh starts one on PostgreSQL)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { startTemporalDevServer } from '../src/local/temporal-dev-server';
import { LabelStudioSimulator } from '../src/simulator';
import { workflowsPath } from '../src/worker/workflow-bundle';
import { startStorageSync } from '../src/client/sync-client';
import { SYNC_PRIORITY } from '../src/workflows/task-priority';
import { detectionMs } from './detection';
import { cpuMs, peakRssMiB, pidsWith } from './proc-stats';
import { quantile, seconds } from './stats';

const SYNC_MS = 5_000;
const START_CONCURRENCY = 100;
const FIRST_TASK_SAMPLE = 200;
/** Syncs started one a second once the N are all started, as the CLI starts one (priority 2): how long a new sync waits behind the backlog. */
const PROBES = 20;
/** Twice the default poll cap: a sync noticed later than this was noticed late. */
const LATE_MS = 30_000;

const { values: args } = parseArgs({
  options: {
    syncs: { type: 'string', default: '100,1000' },
    workers: { type: 'string', default: '1,2' },
    address: { type: 'string' },
    namespace: { type: 'string', default: 'default' },
    /** Comma-separated command-line fragments: every process matching one counts as server CPU. */
    'server-match': { type: 'string' },
    label: { type: 'string', default: 'dev server' },
    /** Worker options as JSON, on top of SYNC_WORKER_TUNING: '{"nonStickyToStickyPollRatio":1}'. */
    tuning: { type: 'string', default: '{}' },
    /** Task priority of the N syncs: 4 as a schedule's or a fan-out's (the batch); 2 to see the queue without priority. */
    'burst-priority': { type: 'string', default: String(SYNC_PRIORITY.batch) },
    /** The connection's request budget (requests per second, or unlimited): the peak per second is measured at the simulator. */
    budget: { type: 'string', default: 'unlimited' },
    /** NODE_OPTIONS of the worker processes only (V8 heap flags, to see what they do to memory). */
    'worker-node-options': { type: 'string' },
  },
});

async function main(): Promise<void> {
  const dev = args.address ? undefined : await startTemporalDevServer({ ui: false });
  const address = args.address ?? dev!.address;
  const namespace = dev?.namespace ?? args.namespace!;
  const serverMatch = args['server-match']?.split(',') ?? [`--port ${address.split(':')[1]}`];
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  const bundlePath = join(tmpdir(), `lst-scale-bundle-${randomUUID()}.js`);
  writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: new DefaultLogger('ERROR') })).code);
  const rows = [];
  try {
    for (const syncs of args.syncs!.split(',').map(Number)) {
      for (const workers of args.workers!.split(',').map(Number)) {
        console.error(`${args.label}: ${syncs} syncs, ${workers} worker(s)…`);
        const row = await runOnce({ client, address, namespace, bundlePath, syncs, workers, serverMatch });
        console.table([row]); // as it comes: the larger runs take long
        rows.push(row);
      }
    }
  } finally {
    await connection.close();
    await dev?.stop();
  }
  console.table(rows);
  console.log(`${SYNC_MS / 1000} s syncs; first task: from the workflow's start to its first workflow task starting (history of the first ${FIRST_TASK_SAMPLE} syncs);`);
  console.log(`new sync: the same for ${PROBES} syncs started one a second after all N were started, into the backlog, at priority ${SYNC_PRIORITY.interactive} (the CLI's);`);
  console.log('detection: from the end Label Studio recorded to the first read after it; server CPU: every matching process, user + system;');
  console.log('LS req/s: requests the simulator answered, over the run, and the most in any one second (a sliding window).');
}

interface RunSpec {
  client: Client;
  address: string;
  namespace: string;
  bundlePath: string;
  syncs: number;
  workers: number;
  serverMatch: string[];
}

async function runOnce(spec: RunSpec) {
  const sim = await LabelStudioSimulator.start();
  const taskQueue = `scale-${randomUUID()}`;
  const children = await Promise.all(Array.from({ length: spec.workers }, () => startWorker(spec, sim, taskQueue)));
  const serverPids = spec.serverMatch.flatMap((m) => pidsWith(m)).filter((pid, i, all) => all.indexOf(pid) === i && pid !== process.pid);
  const serverCpu = () => serverPids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  try {
    const ids = Array.from({ length: spec.syncs }, () =>
      sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', queuedMs: 200, runMs: SYNC_MS, count: 1_000 }] }),
    );
    const cpuBefore = serverCpu();
    const started = Date.now();
    // Started as users start them: input checked here, status search attribute set at start.
    const handles = await mapLimit(ids, START_CONCURRENCY, async (id) =>
      (await startStorageSync(spec.client, { connection: 'scale', storageType: 'gcs_sa', storageId: id }, { taskQueue, priority: Number(args['burst-priority']) })).handle,
    );
    const probes: typeof handles = [];
    for (let i = 0; i < PROBES; i++) {
      const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', queuedMs: 200, runMs: SYNC_MS, count: 1_000 }] });
      probes.push((await startStorageSync(spec.client, { connection: 'scale', storageType: 'gcs_sa', storageId: id }, { taskQueue })).handle);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const outcomes = await mapLimit([...handles, ...probes], START_CONCURRENCY, (h) => h.result().then(() => 'ok', () => 'error'));
    const elapsed = Date.now() - started;
    const cpu = serverCpu() - cpuBefore;
    const detection = ids.map((id) => detectionMs(sim, id));
    // Why a sync was noticed late: a workflow task that waited past the sticky schedule-to-start went
    // back to the shared queue, behind every new sync's first task.
    const late = handles.filter((_, i) => detection[i]! > LATE_MS);
    const lateAfterStickyTimeout = (await mapLimit(late, 20, stickyTimedOut)).filter(Boolean).length;
    const sample = await mapLimit(handles.slice(0, FIRST_TASK_SAMPLE), 20, historyFacts);
    const firstTask = sample.map((f) => f.firstTaskMs);
    const newSyncFirstTask = (await mapLimit(probes, 20, historyFacts)).map((f) => f.firstTaskMs);
    const rss = children.map((c) => peakRssMiB(c.pid!));
    return {
      server: args.label,
      syncs: spec.syncs,
      workers: spec.workers,
      ...(args.tuning !== '{}' && { tuning: args.tuning }),
      ...(args['worker-node-options'] !== undefined && { 'worker NODE_OPTIONS': args['worker-node-options'] }),
      'burst priority': args['burst-priority'],
      'LS budget req/s': args.budget,
      'LS req/s mean / peak': `${(sim.requests.length / (elapsed / 1000)).toFixed(1)} / ${sim.peakRequestsPerSecond()}`,
      'syncs/s': ((spec.syncs + PROBES) / (elapsed / 1000)).toFixed(1),
      'worker RSS peak MiB': rss.map((r) => r.toFixed(0)).join(' / '),
      'server CPU ms/sync': serverPids.length ? (cpu / (spec.syncs + PROBES)).toFixed(0) : '-',
      'history events/sync (min / mean)': `${Math.min(...sample.map((f) => f.events))} / ${(sample.reduce((n, f) => n + f.events, 0) / sample.length).toFixed(1)}`,
      'detect p50 s': seconds(quantile(detection, 0.5)),
      'p95 s': seconds(quantile(detection, 0.95)),
      'p99 s': seconds(quantile(detection, 0.99)),
      'ends no read saw': detection.filter(Number.isNaN).length,
      [`late (>${LATE_MS / 1000} s) / of them after a sticky timeout`]: `${late.length} / ${lateAfterStickyTimeout}`,
      'first task p50 s': seconds(quantile(firstTask, 0.5)),
      'first task max s': seconds(Math.max(...firstTask)),
      'new sync first task p50 / p95 / max s': `${seconds(quantile(newSyncFirstTask, 0.5))} / ${seconds(quantile(newSyncFirstTask, 0.95))} / ${seconds(Math.max(...newSyncFirstTask))}`,
      errors: outcomes.filter((o) => o === 'error').length + sim.requests.filter((r) => r.status >= 400 || r.status === 0).length,
    };
  } finally {
    await Promise.all(children.map(stopWorker));
    await sim.close();
  }
}

function startWorker(spec: RunSpec, sim: LabelStudioSimulator, taskQueue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'scale-worker.ts')], {
    env: {
      ...process.env,
      SCALE_ADDRESS: spec.address,
      SCALE_NAMESPACE: spec.namespace,
      SCALE_TASK_QUEUE: taskQueue,
      SCALE_SIM_URL: sim.url,
      SCALE_SIM_TOKEN: sim.legacyToken,
      SCALE_BUNDLE: spec.bundlePath,
      SCALE_TUNING: args.tuning,
      SCALE_BUDGET: args.budget,
      ...(args['worker-node-options'] !== undefined && { NODE_OPTIONS: args['worker-node-options'] }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

function stopWorker(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** How long the workflow waited for its first workflow task, and how many events its history holds. */
async function historyFacts(h: WorkflowHandle): Promise<{ firstTaskMs: number; events: number }> {
  const events = (await h.fetchHistory()).events ?? [];
  const at = (type: string) => events.find((e) => String(e.eventType) === type || e.eventType === eventTypeNumber(type));
  return { firstTaskMs: millis(at('WORKFLOW_TASK_STARTED')?.eventTime) - millis(at('WORKFLOW_EXECUTION_STARTED')?.eventTime), events: events.length };
}

/** Whether one of the workflow's tasks timed out before a worker took it (a sticky queue's schedule-to-start). */
async function stickyTimedOut(h: WorkflowHandle): Promise<boolean> {
  const events = (await h.fetchHistory()).events ?? [];
  return events.some((e) => Number(e.workflowTaskTimedOutEventAttributes?.timeoutType) === 2); // TIMEOUT_TYPE_SCHEDULE_TO_START
}

function eventTypeNumber(type: string): number {
  return type === 'WORKFLOW_EXECUTION_STARTED' ? 1 : 6; // temporal.api.enums.v1.EventType
}

function millis(t: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!t) return Number.NaN;
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

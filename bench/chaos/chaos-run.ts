// A chaos run, shared by the test (small) and `npm run bench:chaos` (full size): storage syncs run
// by real worker processes (src/worker.ts) that are SIGKILLed and restarted, on a Temporal dev
// server that is restarted mid-run on its database file, against two simulated Label Studios
// (Enterprise queues syncs, Community runs them inside the POST) that fault a share of requests.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { awaitSyncReport, startStorageSync } from '../../src/client/sync-client';
import { SyncWorkflowError } from '../../src/client/sync-failure';
import { freeLoopbackPort, startLocalProcess, waitUntilReady, type LocalProcess } from '../../src/local/child-process';
import { startTemporalDevServer, type RunningDevServer } from '../../src/local/temporal-dev-server';
import { LabelStudioSimulator, mulberry32, type RandomFaultKind, type SyncOutcome } from '../../src/simulator';
import { backoffDelay } from '../../src/workflows/retry-delay';
import { resolveSyncInput, type SyncPolicy } from '../../src/schema/sync-input';
import type { SyncReport } from '../../src/workflows/sync-report';

export interface ChaosOptions {
  syncs: number;
  workerKills: number;
  serverRestarts: number;
  /** Share of Label Studio requests that get a fault, 0 to 1. */
  faultRate: number;
  seed: number;
  /** Scratch space for the server's database and the workers' logs. */
  stateDir: string;
  /** Workflows still open this long after the last one started count as lost. */
  graceMs: number;
  log?: (line: string) => void;
  /** The workers' sticky schedule-to-start timeout (LST_STICKY_SCHEDULE_TO_START_TIMEOUT_MS); unset, their default. */
  stickyTimeoutMs?: number;
}

type Edition = 'enterprise' | 'community';

export interface StorageOutcome {
  edition: Edition;
  id: number;
  result: 'completed' | 'failed' | 'lost';
  failureType?: string;
  /** Syncs Label Studio (the simulator) started for the storage. */
  syncsStarted: number;
  /** Distinct syncs the workflow's report says it triggered or joined. */
  triggered: number;
  workflowMs?: number;
  /** How much of the workflow's time the Temporal server was down. */
  serverDownMs: number;
  /** The scripted run time of the syncs that ran plus the policy's backoffs between attempts. */
  lengthMs: number;
  /** What Label Studio saw of this storage: method, status (0: no answer) and seconds since the first request. */
  trail: string;
}

export interface ChaosResult {
  outcomes: StorageOutcome[];
  requests: number;
  kills: number;
  serverRestarts: number;
  faults: Record<RandomFaultKind, number>;
  /** The target: no workflow longer than its length plus this. */
  allowanceMs: number;
  /** When the Temporal server was down (epoch ms), restarts included. */
  serverDown: Array<[number, number]>;
}

/** The package defaults, with short retry backoffs so a failed attempt costs seconds, not minutes. */
export const CHAOS_POLICY: SyncPolicy = { retryBackoff: { initial: '5s', coefficient: 2, max: '20s' }, timeout: '30m' };
const RESPONSE_TIMEOUT_MS = 5_000;
const WORKERS = 2;
const ROOT = join(__dirname, '..', '..');

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  const random = mulberry32(options.seed);
  const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  const policy = resolveSyncInput({ storageType: 'gcs', storageId: 1, policy: CHAOS_POLICY });
  rmSync(options.stateDir, { recursive: true, force: true });
  mkdirSync(options.stateDir, { recursive: true });

  const sims: Record<Edition, LabelStudioSimulator> = {
    enterprise: await LabelStudioSimulator.start({ edition: 'enterprise' }),
    community: await LabelStudioSimulator.start({ edition: 'community' }),
  };
  const server = new RestartableServer(join(options.stateDir, 'temporal.db'), await freeLoopbackPort());
  await server.start();
  const taskQueue = `chaos-${randomUUID()}`;
  const workers = Array.from({ length: WORKERS }, (_, i) => new SupervisedWorker(`worker-${i}`, workerEnv(sims, server.address, taskQueue, options.stickyTimeoutMs)));
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  let kills = 0;
  let restarts = 0;
  try {
    await Promise.all(workers.map((w) => w.start()));
    sims.enterprise.injectRandomFaults({ rate: options.faultRate, seed: options.seed, responseTimeoutMs: RESPONSE_TIMEOUT_MS });
    sims.community.injectRandomFaults({ rate: options.faultRate, seed: options.seed + 1, responseTimeoutMs: RESPONSE_TIMEOUT_MS });

    const storages = Array.from({ length: options.syncs }, (_, i) => {
      const edition: Edition = i % 2 === 0 ? 'enterprise' : 'community';
      const done: SyncOutcome = { status: 'completed', queuedMs: between(200, 2_000), runMs: between(500, edition === 'community' ? 8_000 : 10_000) };
      const script: SyncOutcome[] = random() < 0.15 ? [{ status: 'failed', queuedMs: 200, runMs: between(500, 2_000) }, done] : [done];
      return { edition, script, id: sims[edition].addStorage({ type: 'gcs', project: 1, script }) };
    });

    const syncOf = async (s: (typeof storages)[number]): Promise<StorageOutcome> => {
      const input = { connection: s.edition, storageType: 'gcs' as const, storageId: s.id, policy: CHAOS_POLICY };
      const handle = (await untilServed(() => startStorageSync(client, input, { taskQueue }))).handle;
      const end = await settle(handle, Date.now() + options.graceMs);
      const started = sims[s.edition].syncsStarted('gcs', s.id);
      const report = end.report;
      const ran = s.script.slice(0, started).concat(Array(Math.max(0, started - s.script.length)).fill(s.script.at(-1)));
      const scripted = ran.reduce((sum: number, o: SyncOutcome) => sum + (s.edition === 'enterprise' ? (o.queuedMs ?? 0) : 0) + (o.runMs ?? 0), 0);
      const attempts = report?.attempts.length ?? 0;
      const backoffs = Array.from({ length: Math.max(0, attempts - 1) }, (_, k) => backoffDelay(policy.retryBackoff, k + 1)).reduce((a, b) => a + b, 0);
      const outcome: StorageOutcome = {
        edition: s.edition,
        id: s.id,
        result: end.result,
        ...(end.failureType && { failureType: end.failureType }),
        syncsStarted: started,
        triggered: new Set((report?.attempts ?? []).map((a) => a.syncAttempt).filter((n) => n > 0)).size,
        ...(report && { workflowMs: Date.parse(report.endedAt) - Date.parse(report.startedAt) }),
        serverDownMs: report ? overlap(server.down, Date.parse(report.startedAt), Date.parse(report.endedAt)) : 0,
        lengthMs: scripted + backoffs,
        trail: trailOf(sims[s.edition], s.id),
      };
      return outcome;
    };

    // The syncs start in rounds, one batch each; a few seconds into a round (its batch mid-flight)
    // a worker is SIGKILLed and restarted, and in one round the server is restarted as well.
    const rounds = options.workerKills + 1;
    const restartRounds = new Set(Array.from({ length: options.serverRestarts }, (_, k) => Math.floor(((k + 1) * rounds) / (options.serverRestarts + 1))));
    const running: Array<Promise<StorageOutcome>> = [];
    for (let round = 0; round < rounds; round++) {
      const size = Math.ceil(options.syncs / rounds);
      const batch = storages.slice(round * size, (round + 1) * size);
      running.push(...batch.map((s, j) => sleep(j * 250).then(() => syncOf(s))));
      if (round === rounds - 1) break;
      await sleep(between(3_000, 8_000));
      const worker = workers[between(0, WORKERS - 1)]!;
      log(`SIGKILL ${worker.name} (kill ${round + 1} of ${options.workerKills})`);
      await worker.killAndRestart();
      kills += 1;
      if (restartRounds.has(round)) {
        await sleep(between(1_000, 4_000));
        log('restarting the Temporal server');
        await server.restart();
        log(`the Temporal server was down for ${((server.down.at(-1)![1] - server.down.at(-1)![0]) / 1000).toFixed(1)} s`);
        restarts += 1;
      }
    }
    const results = await Promise.all(running);
    return {
      outcomes: results,
      requests: sims.enterprise.requests.length + sims.community.requests.length,
      kills,
      serverRestarts: restarts,
      faults: sumFaults(sims.enterprise.randomFaultsDrawn!, sims.community.randomFaultsDrawn!),
      allowanceMs: 2 * policy.poll.maxMs + 30_000,
      serverDown: server.down,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await connection.close();
    await server.stop();
    await Promise.all(Object.values(sims).map((s) => s.close()));
  }
}

/** One line of figures for a run: what the bench prints and the test logs. */
export function summarize(r: ChaosResult): Record<string, string | number> {
  const times = r.outcomes.flatMap((o) => (o.workflowMs === undefined ? [] : [o.workflowMs])).sort((a, b) => a - b);
  const pct = (p: number) => (times.length ? `${(times[Math.min(times.length - 1, Math.floor(p * times.length))]! / 1000).toFixed(1)} s` : '-');
  const failed = r.outcomes.filter((o) => o.result === 'failed');
  const why = [...new Set(failed.map((o) => o.failureType ?? '?'))].map((t) => `${failed.filter((o) => (o.failureType ?? '?') === t).length} ${t}`);
  const over = r.outcomes.flatMap((o) => (o.workflowMs === undefined ? [] : [o.workflowMs - o.lengthMs]));
  const overUp = r.outcomes.flatMap((o) => (o.workflowMs === undefined ? [] : [o.workflowMs - o.lengthMs - o.serverDownMs]));
  return {
    syncs: r.outcomes.length,
    completed: r.outcomes.filter((o) => o.result === 'completed').length,
    'failed (why)': failed.length ? `${failed.length} (${why.join(', ')})` : 0,
    lost: r.outcomes.filter((o) => o.result === 'lost').length,
    'duplicate syncs': r.outcomes.reduce((n, o) => n + Math.max(0, o.syncsStarted - o.triggered), 0),
    'LS requests / sync': Number((r.requests / r.outcomes.length).toFixed(1)),
    p50: pct(0.5),
    p90: pct(0.9),
    max: times.length ? `${(times.at(-1)! / 1000).toFixed(1)} s` : '-',
    'max over length': over.length ? `${(Math.max(...over) / 1000).toFixed(1)} s` : '-',
    'same, server downtime excluded': overUp.length ? `${(Math.max(...overUp) / 1000).toFixed(1)} s` : '-',
    target: `≤ ${r.allowanceMs / 1000} s`,
    kills: r.kills,
    'server restarts': r.serverRestarts,
    'faults injected': Object.values(r.faults).reduce((a, b) => a + b, 0),
  };
}

async function settle(handle: Parameters<typeof awaitSyncReport>[0], deadline: number): Promise<{ result: StorageOutcome['result']; report?: SyncReport; failureType?: string }> {
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return { result: 'lost' };
    try {
      const report = await within(awaitSyncReport(handle), left);
      if (report === undefined) return { result: 'lost' };
      return { result: 'completed', report };
    } catch (err) {
      if (err instanceof SyncWorkflowError) return { result: 'failed', report: err.report, failureType: err.failureType };
      await sleep(1_000); // the server is restarting: ask again
    }
  }
}

/** Retries a client call while the server is away (restarting). */
async function untilServed<T>(call: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await call();
    } catch (err) {
      if (tries >= 120) throw err;
      await sleep(1_000);
    }
  }
}

function workerEnv(sims: Record<Edition, LabelStudioSimulator>, address: string, taskQueue: string, stickyTimeoutMs?: number): NodeJS.ProcessEnv {
  return {
    ...(stickyTimeoutMs !== undefined && { LST_STICKY_SCHEDULE_TO_START_TIMEOUT_MS: String(stickyTimeoutMs) }),
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: 'default',
    LABEL_STUDIO_TEMPORAL_TASK_QUEUE: taskQueue,
    LABEL_STUDIO_CONNECTIONS: 'enterprise,community',
    LABEL_STUDIO_ENTERPRISE_URL: sims.enterprise.url,
    LABEL_STUDIO_ENTERPRISE_API_KEY: sims.enterprise.legacyToken,
    LABEL_STUDIO_COMMUNITY_URL: sims.community.url,
    LABEL_STUDIO_COMMUNITY_API_KEY: sims.community.legacyToken,
    // Both ways a sync runs: Enterprise's within the default request budget (trigger and checks apart, on
    // its budget queue), Community's without one (trigger and checks in one activity).
    LABEL_STUDIO_COMMUNITY_REQUESTS_PER_SECOND: 'unlimited',
    LABEL_STUDIO_RESPONSE_TIMEOUT_MS: String(RESPONSE_TIMEOUT_MS),
    LABEL_STUDIO_CONNECT_TIMEOUT_MS: '2000',
  };
}

/** The worker process (src/worker.ts), restarted whenever it exits until stopped. */
class SupervisedWorker {
  private proc: LocalProcess | undefined;
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async start(): Promise<void> {
    const proc = startLocalProcess({ name: this.name, command: process.execPath, args: ['-r', 'tsx/cjs', join(ROOT, 'src', 'worker.ts')], env: this.env, cwd: ROOT });
    this.proc = proc;
    // A worker that dies by itself (it lost the server for too long) comes back too.
    void proc.exited.then(() => {
      if (!this.stopped && this.proc === proc) void this.start().catch(() => undefined);
    });
    await waitUntilReady(proc, this.name, async () => proc.log().includes('label-studio-temporal worker: task queue'), 180_000, 200);
  }

  /** SIGKILL, no grace: its running activities are found dead by their heartbeat timeout. */
  async killAndRestart(): Promise<void> {
    const proc = this.proc!;
    this.proc = undefined;
    process.kill(-proc.pid, 'SIGKILL');
    await proc.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.proc?.stop();
  }
}

/** A dev server on one port and database file: restarted, it is the same server to clients and workers. */
class RestartableServer {
  private server: RunningDevServer | undefined;

  constructor(
    private readonly dbFilename: string,
    private readonly port: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = await startTemporalDevServer({ dbFilename: this.dbFilename, port: this.port, ui: false });
  }

  /** Down from the moment stop begins until the new one serves. */
  readonly down: Array<[number, number]> = [];

  async restart(): Promise<void> {
    const from = Date.now();
    await this.stop();
    await this.start();
    this.down.push([from, Date.now()]);
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }
}

function overlap(intervals: Array<[number, number]>, from: number, to: number): number {
  return intervals.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);
}

function trailOf(sim: LabelStudioSimulator, id: number): string {
  const mine = sim.requests.filter((r) => r.path.startsWith(`/api/storages/export/gcs/${id}`) && /^\/api\/storages\/export\/gcs\/\d+(\/sync)?$/.test(r.path) && r.path.split('/')[5] === String(id));
  const t0 = mine[0]?.at ?? 0;
  return mine.map((r) => `${r.method} ${r.status} +${((r.at - t0) / 1000).toFixed(1)}s`).join(', ');
}

function sumFaults(a: Readonly<Record<RandomFaultKind, number>>, b: Readonly<Record<RandomFaultKind, number>>): Record<RandomFaultKind, number> {
  return Object.fromEntries(Object.keys(a).map((k) => [k, a[k as RandomFaultKind] + b[k as RandomFaultKind]])) as Record<RandomFaultKind, number>;
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

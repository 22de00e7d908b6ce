// A burst of Label Studio webhooks against the receiver, on a real Temporal dev server with a worker:
// 2,000 events over 50 projects in 10 s. Prints the answer codes, the answer latency (what Label Studio's
// 1 s timeout measures), the signals Temporal recorded, and per project the events each pipeline counted
// against the events sent, the batches started (and how many the reconciliation started), and whether
// the project's last batch saw its final annotation count: a lost webhook must delay a batch, not drop it.
// The sender runs in a process of its own (bench/webhook-sender.ts), and the bench prints the CPU
// each process used during the burst, how long its threads waited for a CPU (starved, as against
// busy), and the kernel's accept-queue overflows (connections dropped before the receiver saw them).
// Asserts nothing.
//
// With --hostile, two other rows instead: (1) 1,100 idle connections held by strangers on other loopback
// addresses (reopened as the receiver closes them) while Label Studio sends real webhooks: were they
// answered and delivered? (2) --outage-events events (default 100,000) during a Temporal outage of
// --outage (default 10m) seen by the receiver only (its Temporal connection goes through a proxy the
// bench cuts), with --journal-max-events (default 20,000): was any event answered 202 and not counted?
import { fork, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { mkdtemp, readFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { fetch } from 'undici';
import { freeLoopbackPort } from '../src/local/child-process';
import { startTemporalDevServer } from '../src/local/temporal-dev-server';
import { LabelStudioSimulator } from '../src/simulator';
import type { WebhookResult } from '../src/webhooks';
import { EventJournal } from '../src/webhooks/event-journal';
import { eventsCounted } from '../src/workflows/events-counted';
import { pipelineStateQuery, type PipelineState } from '../src/workflows/pipeline-types';
import { pipelineWorkflowId } from '../src/workflows/project-ids';
import { cpuMs, listenOverflows, pidsWith, runDelayMs } from './proc-stats';
import type { SenderMessage, SenderPlan } from './webhook-sender';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000);
const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 50);
const SPREAD_MS = Number(process.env.BENCH_SPREAD_MS ?? 10_000);
const FIRST_PROJECT = 1_000;

const argument = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1]!;
};
const HOSTILE = process.argv.includes('--hostile');
const OUTAGE_MS = msDuration(argument('--outage', '10m'));
const OUTAGE_EVENTS = Number(argument('--outage-events', '100000'));
const JOURNAL_MAX_EVENTS = Number(argument('--journal-max-events', '20000'));
const STRANGERS = 1_100;

async function main(): Promise<void> {
  const server = await startTemporalDevServer({ ui: false });
  const sim = await LabelStudioSimulator.start();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const projects = Array.from({ length: PROJECTS }, (_, i) => FIRST_PROJECT + i);
  for (const project of projects) sim.addStorage({ type: 's3', project, script: [{ status: 'completed', queuedMs: 50, runMs: 200 }] });

  // Deployed as in production: the worker and the receiver each in a process of their own.
  const secret = randomBytes(24).toString('hex');
  const port = await freeLoopbackPort();
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: server.namespace,
    LABEL_STUDIO_TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
    LABEL_STUDIO_URL: sim.url,
    LABEL_STUDIO_API_KEY: sim.legacyToken,
    LABEL_STUDIO_WEBHOOK_SECRET: secret,
  };
  // Their logs go to files: through a pipe, a child whose reader (this busy process) falls behind
  // blocks on its next log line, and a receiver blocked so accepts no connection.
  const logs = await mkdtemp(join(tmpdir(), 'webhook-bench-'));
  const worker = spawnTs('src/worker.ts', [], env, join(logs, 'worker.log'));
  // The receiver answers once an event is in its journal and delivers it to Temporal behind the answer:
  // under this burst, Temporal on a shared 2-core machine confirms a signal in up to 2 s, Label Studio waits 1 s.
  const journal = join(logs, 'journal');
  const receiver = spawnTs(
    'src/cli/main.ts',
    ['webhooks', 'serve', '--port', String(port), '--worker', 'never', '--json', '--journal', journal, '--quiet-period', '3s', '--max-wait', '30s', '--reconcile-every', '5s'],
    env,
    join(logs, 'receiver.log'),
  );
  const url = `http://127.0.0.1:${port}`;
  const watchdogs = pidsWith('watchdog'); // the shell wrapping the server shares its command line
  const temporalPid = pidsWith('start-dev', `--port ${server.address.split(':').pop()}`).find((pid) => !watchdogs.includes(pid));
  const processes = { 'Temporal dev server': temporalPid, worker: worker.pid, receiver: receiver.pid };

  const sent = new Map<number, number>();
  try {
    await waitForHealth(url);
    // The worker announces itself once polling; its workflow bundling must not compete with the burst for the CPU.
    await waitForLine(worker, (line) => line.includes('label-studio-temporal worker:'));
    console.log(`sending ${EVENTS} events over ${PROJECTS} projects in ${SPREAD_MS / 1000} s to ${url}…`);
    const cpuBefore = cpuOf(processes);
    const waitBefore = cpuOf(processes, {}, runDelayMs);
    const overflowsBefore = listenOverflows();
    const benchCpuBefore = process.cpuUsage();
    // Label Studio moves the project's counters, then sends the webhook (whether or not it gets through).
    const burst = await sendBurst({ url, secret, events: EVENTS, projects, spreadMs: SPREAD_MS }, (project) => {
      sent.set(project, (sent.get(project) ?? 0) + 1);
      sim.annotate(project, 1);
    });
    const cpuDuring = { ...cpuOf(processes, cpuBefore), sender: burst.cpuMs, 'bench (simulator)': cpuUsageMs(process.cpuUsage(benchCpuBefore)) };
    const waitDuring = cpuOf(processes, waitBefore, runDelayMs);
    const overflows = listenOverflows() - overflowsBefore;
    const { latencies, sendingMs } = burst;
    const codes = new Map(Object.entries(burst.codes));

    // Every pipeline has counted once its pending plus its batches hold every event it got.
    const counted = new Map<number, PipelineState>();
    const deadline = Date.now() + 300_000;
    let lastProgress = { total: -1, at: Date.now() };
    while (Date.now() < deadline) {
      for (const project of projects) {
        const state = await client.workflow.getHandle(pipelineWorkflowId('default', project)).query(pipelineStateQuery).catch(() => undefined);
        if (state) counted.set(project, state);
      }
      // Settled: idle, and the last batch read the project's final counters (the reconciliation's job when events were lost).
      // And every event counted, or none more for longer than the receiver's longest retry pause (deliveries trail the answers).
      const total = sum(projects.map((p) => eventsCounted(counted.get(p))));
      if (total !== lastProgress.total) lastProgress = { total, at: Date.now() };
      const idle = projects.every((p) => counted.get(p)?.phase === 'idle' && counted.get(p)?.pending === null && counted.get(p)?.seen?.annotations === sent.get(p));
      if (idle && (total === EVENTS || Date.now() - lastProgress.at > 35_000)) break;
      await sleep(1_000);
    }
    let signals = 0;
    for (const project of projects) {
      const history = await client.workflow.getHandle(pipelineWorkflowId('default', project)).fetchHistory().catch(() => undefined);
      signals += history?.events?.filter((e) => e.workflowExecutionSignaledEventAttributes).length ?? 0;
    }

    const receiverLog: WebhookResult[] = [];
    let deliveryErrors = 0;
    for (const line of await receiver.lines()) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as WebhookResult | { deliveryError: string };
      if ('deliveryError' in entry) deliveryErrors += 1;
      else receiverLog.push(entry);
    }
    console.log(`\nlogs of the worker and the receiver: ${logs}`);
    console.log('answers: as the sender saw them (it waits 1 s, as Label Studio does), and as the receiver gave them');
    const given = new Map<string, number>();
    for (const r of receiverLog) given.set(String(r.status), (given.get(String(r.status)) ?? 0) + 1);
    const allCodes = [...new Set([...codes.keys(), ...given.keys()])].sort();
    console.table(Object.fromEntries(allCodes.map((code) => [code, { sender: codes.get(code) ?? 0, receiver: given.get(code) ?? 0 }])));
    const received = receiverLog.map((r) => r.elapsedMs);
    console.log('answer latency (ms): as the sender saw it; from arrival to answer as the receiver measured it');
    console.table({ sender: percentiles(latencies), receiver: percentiles(received) });
    console.log(`the sender's own event-loop delay (ms), so its figures are not its own stalls: ${JSON.stringify(burst.loopDelayMs)}`);
    console.log(`CPU seconds used during the burst (${(sendingMs / 1000).toFixed(1)} s on ${availableParallelism()} cores), and seconds its threads were runnable but waited for a CPU`);
    const seconds = (ms: number | undefined) => (ms === undefined ? '' : Number((ms / 1000).toFixed(1)));
    console.table(Object.fromEntries(Object.entries(cpuDuring).map(([name, ms]) => [name, { 'CPU s': seconds(ms), 'waited for a CPU s': seconds(waitDuring[name]) }])));
    console.log(`load average at the end of the burst: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const rows = projects.map((p) => ({
      project: p,
      sent: sent.get(p) ?? 0,
      counted: eventsCounted(counted.get(p)),
      batches: counted.get(p)?.batchesDone ?? 0,
      reconciled: counted.get(p)?.recent.filter((b) => b.reconciled).length ?? 0,
      covered: counted.get(p)?.seen?.annotations === sent.get(p),
    }));
    const exact = rows.filter((r) => r.counted === r.sent).length;
    console.log('events counted per project against events sent');
    console.table({
      projects: {
        projects: rows.length,
        'counted = sent': exact,
        'counted ≠ sent': rows.length - exact,
        'events sent': sum(rows.map((r) => r.sent)),
        'events counted': sum(rows.map((r) => r.counted)),
        'batches started': sum(rows.map((r) => r.batches)),
        'of them by reconciliation': sum(rows.map((r) => r.reconciled)),
        'last batch saw every annotation': rows.filter((r) => r.covered).length,
      },
    });
    const off = rows.filter((r) => r.counted !== r.sent || !r.covered);
    if (off.length > 0) console.table(off.slice(0, 10));
    console.table({
      burst: {
        'sending took (s)': Number((sendingMs / 1000).toFixed(1)),
        'signals recorded by Temporal': signals,
        'events per signal': Number((EVENTS / Math.max(1, signals)).toFixed(1)),
        'deliveries retried': deliveryErrors,
        'accept queue overflows (machine-wide)': overflows,
      },
    });
  } finally {
    await Promise.all([receiver.stop(), worker.stop()]);
    for (const project of projects) await client.workflow.getHandle(pipelineWorkflowId('default', project)).terminate('bench over').catch(() => undefined);
    await connection.close();
    await sim.close();
    await server.stop();
  }
}

interface Child {
  pid: number | undefined;
  /** What it wrote to stderr so far. */
  lines(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * A TypeScript entry point of this package in a process of its own, its stderr written to `logFile`.
 * From source through tsx rather than the build: the receiver used the same CPU either way under the
 * burst (4.9 s from source, 5.2 s as `node dist/cli/main.js`, in runs without the worker).
 */
function spawnTs(entry: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Child {
  const log = openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', entry), ...args], { env, stdio: ['ignore', 'inherit', log] });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid,
    lines: async () => (await readFile(logFile, 'utf8')).split('\n'),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs bench/webhook-sender.ts in a process of its own; `onEvent` is told of each webhook just before it is sent. */
function sendBurst(plan: SenderPlan, onEvent: (project: number) => void): Promise<Extract<SenderMessage, { type: 'done' }>> {
  const child = fork(join(__dirname, 'webhook-sender.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.send(plan);
  return new Promise((resolve, reject) => {
    child.on('message', (m: SenderMessage) => (m.type === 'event' ? onEvent(m.project) : resolve(m)));
    child.once('exit', (code) => reject(new Error(`the sender exited (${code}) before it reported`)));
  });
}

/** CPU ms each process used, or another per-process reading (since `since`, when given). */
function cpuOf(pids: Record<string, number | undefined>, since: Record<string, number> = {}, read = cpuMs): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, (pid ? read(pid) : NaN) - (since[name] ?? 0)]));
}

function cpuUsageMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

async function waitForLine(child: Child, match: (line: string) => boolean): Promise<void> {
  for (let deadline = Date.now() + 600_000; Date.now() < deadline; await sleep(250)) {
    if ((await child.lines()).some(match)) return;
  }
  throw new Error('the worker did not start within 10 min');
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/livez`).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`the receiver did not answer /livez at ${url} within 10 min`);
}

function percentiles(values: number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN);
  return { answers: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: Math.round(sorted.at(-1) ?? NaN) };
}


function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** The hostile rows (--hostile): strangers holding idle connections, and a Temporal outage past the journal's bound. */
async function hostile(): Promise<void> {
  const server = await startTemporalDevServer({ ui: false });
  const sim = await LabelStudioSimulator.start();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const lockoutProjects = Array.from({ length: 10 }, (_, i) => FIRST_PROJECT + i);
  const outageProjects = Array.from({ length: PROJECTS }, (_, i) => FIRST_PROJECT + 100 + i);
  for (const project of [...lockoutProjects, ...outageProjects]) sim.addStorage({ type: 's3', project, script: [{ status: 'completed', queuedMs: 50, runMs: 200 }] });
  const proxy = await cuttableProxy(server.address);
  const secret = randomBytes(24).toString('hex');
  const port = await freeLoopbackPort();
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: server.namespace,
    LABEL_STUDIO_TEMPORAL_TASK_QUEUE: `bench-${randomUUID()}`,
    LABEL_STUDIO_URL: sim.url,
    LABEL_STUDIO_API_KEY: sim.legacyToken,
    LABEL_STUDIO_WEBHOOK_SECRET: secret,
  };
  const logs = await mkdtemp(join(tmpdir(), 'webhook-hostile-'));
  const worker = spawnTs('src/worker.ts', [], env, join(logs, 'worker.log'));
  const receiver = spawnTs(
    'src/cli/main.ts',
    ['webhooks', 'serve', '--port', String(port), '--worker', 'never', '--json', '--journal', join(logs, 'journal'), '--journal-max-events', String(JOURNAL_MAX_EVENTS), '--quiet-period', '3s', '--max-wait', '30s', '--reconcile-every', '0'],
    { ...env, TEMPORAL_ADDRESS: proxy.address }, // the receiver alone reaches Temporal through the proxy
    join(logs, 'receiver.log'),
  );
  const url = `http://127.0.0.1:${port}`;
  const accepted = async (projects: number[]) => {
    const ids = new Set(projects);
    let n = 0;
    for (const line of await receiver.lines()) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as WebhookResult;
      if (entry.status === 202 && entry.project !== undefined && ids.has(entry.project)) n++;
    }
    return n;
  };
  /**
   * Events the pipelines counted, once they hold what the receiver acknowledged or stop moving for
   * 5 min (after a long outage the receiver's gRPC channel waits up to 2 min between reconnections).
   */
  const countedOnce = async (projects: number[], expected: number) => {
    let last = { total: -1, at: Date.now() };
    for (;;) {
      let total = 0;
      for (const project of projects) {
        const state = await client.workflow.getHandle(pipelineWorkflowId('default', project)).query(pipelineStateQuery).catch(() => undefined);
        total += eventsCounted(state);
      }
      if (total !== last.total) last = { total, at: Date.now() };
      if (total >= expected || Date.now() - last.at > 300_000) return total;
      await sleep(1_000);
    }
  };
  try {
    await waitForHealth(url);
    await waitForLine(worker, (line) => line.includes('label-studio-temporal worker:'));

    console.log(`row 1: ${STRANGERS} idle connections from 10 other loopback addresses, reopened as they close, while 200 webhooks arrive over 10 s…`);
    const strangers = holdIdle(port, STRANGERS);
    await strangers.ready;
    const lockout = await sendBurst({ url, secret, events: 200, projects: lockoutProjects, spreadMs: 10_000 }, () => undefined);
    const held = strangers.held();
    strangers.stop();
    const lockoutAccepted = await accepted(lockoutProjects);
    const lockoutCounted = await countedOnce(lockoutProjects, lockoutAccepted);
    console.table({
      'idle strangers': {
        'webhooks sent': 200,
        ...Object.fromEntries(Object.entries(lockout.codes).map(([code, n]) => [`answered ${code}`, n])),
        'answer p99 (ms)': percentiles(lockout.latencies).p99,
        'acknowledged (receiver log)': lockoutAccepted,
        'counted by the pipelines': lockoutCounted,
        'stranger connections opened': strangers.opened(),
        'held at the end': held,
      },
    });

    console.log(`row 2: ${OUTAGE_EVENTS} events over ${OUTAGE_MS / 1000} s while the receiver cannot reach Temporal, journal bound ${JOURNAL_MAX_EVENTS} events…`);
    proxy.cut();
    const outage = await sendBurst({ url, secret, events: OUTAGE_EVENTS, projects: outageProjects, spreadMs: OUTAGE_MS }, () => undefined);
    proxy.restore();
    const outageAccepted = await accepted(outageProjects);
    const restored = performance.now();
    const outageCounted = await countedOnce(outageProjects, outageAccepted);
    const drainedS = Number(((performance.now() - restored) / 1000).toFixed(1));
    // What the receiver still holds, undelivered: not lost (the next receiver on the journal resends it).
    await receiver.stop();
    const journal = await EventJournal.open(join(logs, 'journal'));
    const { intents, events } = journal.undelivered();
    const journaled = events.length + sum(intents.map((i) => i.events.length));
    await journal.close();
    console.table({
      'Temporal outage': {
        'events sent': OUTAGE_EVENTS,
        ...Object.fromEntries(Object.entries(outage.codes).map(([code, n]) => [`answered ${code}`, n])),
        'acknowledged (receiver log)': outageAccepted,
        'counted by the pipelines': outageCounted,
        'still in the journal': journaled,
        'acknowledged and lost': outageAccepted - outageCounted - journaled,
        'waited after the outage (s)': drainedS,
      },
    });
    console.log(`logs of the worker and the receiver: ${logs}`);
  } finally {
    await Promise.all([receiver.stop(), worker.stop()]);
    for (const project of [...lockoutProjects, ...outageProjects]) await client.workflow.getHandle(pipelineWorkflowId('default', project)).terminate('bench over').catch(() => undefined);
    proxy.close();
    await connection.close();
    await sim.close();
    await server.stop();
  }
}

/** `count` idle connections from 127.0.0.2…127.0.0.11, each reopened when the receiver closes it. */
function holdIdle(port: number, count: number) {
  const sockets = new Set<Socket>();
  let opened = 0;
  let stopped = false;
  let firstRound = count;
  let ready!: () => void;
  const open = (peer: number) => {
    if (stopped) return;
    opened++;
    const socket = connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${peer}` });
    sockets.add(socket);
    let counted = false;
    const once = () => {
      if (counted) return;
      counted = true;
      if (--firstRound === 0) ready();
    };
    socket.once('connect', once);
    socket.on('error', () => undefined);
    socket.once('close', () => {
      once();
      sockets.delete(socket);
      setTimeout(() => open(peer), 10);
    });
  };
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  for (let i = 0; i < count; i++) open(2 + (i % 10));
  return {
    ready: readyPromise,
    held: () => [...sockets].filter((s) => !s.destroyed && !s.connecting).length,
    opened: () => opened,
    stop: () => {
      stopped = true;
      sockets.forEach((s) => s.destroy());
    },
  };
}

/** A TCP proxy to `target` that the bench can cut (every connection dropped, new ones refused) and restore. */
async function cuttableProxy(target: string) {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const open = new Set<Socket>();
  let cut = false;
  const proxy = createServer((downstream) => {
    if (cut) return void downstream.destroy();
    const upstream = connect(port, host);
    for (const s of [downstream, upstream]) {
      open.add(s);
      s.on('error', () => undefined);
      s.once('close', () => {
        open.delete(s);
        downstream.destroy();
        upstream.destroy();
      });
    }
    downstream.pipe(upstream).pipe(downstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address() as { port: number };
  return {
    address: `127.0.0.1:${address.port}`,
    cut: () => {
      cut = true;
      open.forEach((s) => s.destroy());
    },
    restore: () => {
      cut = false;
    },
    close: () => {
      open.forEach((s) => s.destroy());
      proxy.close();
    },
  };
}

function msDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (!match) throw new Error(`--outage ${text}: give a duration such as 90s or 10m`);
  return Number(match[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!;
}

(HOSTILE ? hostile() : main()).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

// npm run bench: one run, side by side, on a real Temporal dev server against the simulator (progress pings
// every 5 s): ETA polling (the package), today's backoff (the same poll with its ETA off), a fixed 3 s poll
// (the Airflow operators') and the naive workflow loop (sleep 5 s), for 5 min, 1 h and 6 h syncs. Prints
// detection (how long after the sync ended the poller saw it), Label Studio requests and history events.
// Asserts nothing.
//
// Long syncs on a skipped clock: each sync length runs against its own simulator, whose clock (and so every
// timestamp, ping and the sync's end) jumps ahead once, SKIP_AT_MS after the triggers, to TAIL_MS before the
// syncs' end; the poll activities read the same clock. Until the skip and in the tail everything runs in
// real time and is measured; the checks each poller would have made in the skipped span are added from
// its schedule there (the cap, the backoff's next steps, every 3 s or 5 s), marked † in the table.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { createAwaitSyncEnd } from '../src/activities/await-sync-end';
import type { AwaitSyncEndInput, StorageRef } from '../src/activities/types';
import { runStorageSync } from '../src/client/sync-client';
import { LabelStudioClientRegistry } from '../src/labelstudio/client-registry';
import { startTemporalDevServer } from '../src/local/temporal-dev-server';
import { LabelStudioSimulator } from '../src/simulator';
import { parseMicros } from '../src/simulator/time';
import type { SyncPolicy } from '../src/schema/sync-input';
import type { SyncReport } from '../src/workflows/sync-report';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { detectionMs, requestsTo } from './detection';
import { plainBackoffPoll } from './plain-backoff-poll';
import { checksInSpan, type Schedule } from './skipped-span';
import { quantile, seconds } from './stats';

type Strategy = 'ETA' | 'backoff' | 'fixed 3 s' | 'naive loop';
type Kind = 'recurring' | 'first-ever' | '2× slower' | '2× faster';

interface Case {
  strategy: Strategy;
  cap: '15s' | '5m';
  kind: Kind;
  /** The previous sync's duration as a share of this one's; null for a first-ever sync. */
  previous: number | null;
}

interface Group {
  label: string;
  runMs: number;
  cases: Case[];
}

const MIN = 60_000;
const SKIP_AT_MS = 90_000;
const TAIL_MS = 11 * MIN; // the 5 min cap starts its approach 2 caps before the end
const ANNOTATIONS = 100_000;
/** Previous runs within ±20 % of this one. */
const RECURRING = [0.8, 0.88, 0.96, 1.04, 1.12, 1.2];
const POLICY: Record<Case['cap'], SyncPolicy> = { '15s': {}, '5m': { poll: { max: '5m' } } };
const FIXED_3S: SyncPolicy = { poll: { initial: '3s', coefficient: 1, max: '3s' } };

function groups(): Group[] {
  const recurring = (strategy: Strategy, cap: Case['cap'], shares = RECURRING): Case[] =>
    shares.map((previous) => ({ strategy, cap, kind: 'recurring', previous }));
  const polls = (cap: Case['cap']) => [...recurring('ETA', cap), ...recurring('backoff', cap)];
  const others = [...recurring('fixed 3 s', '15s', [1]), ...recurring('naive loop', '15s', [1])];
  const unusual = (['ETA', 'backoff'] as const).flatMap((strategy) =>
    ([['first-ever', null], ['2× slower', 0.5], ['2× faster', 2]] as const).flatMap(([kind, previous]) =>
      [0, 1, 2].map((): Case => ({ strategy, cap: '15s', kind, previous })),
    ),
  );
  const all: Group[] = [
    { label: '5 min', runMs: 5 * MIN, cases: [...polls('15s'), ...polls('5m'), ...recurring('fixed 3 s', '15s'), ...recurring('naive loop', '15s'), ...unusual] },
    { label: '1 h', runMs: 60 * MIN, cases: [...polls('15s'), ...polls('5m'), ...others] },
    { label: '6 h', runMs: 360 * MIN, cases: [...polls('15s'), ...polls('5m'), ...others] },
  ];
  const only = process.argv.slice(2);
  return all.filter((g) => only.length === 0 || only.includes(g.label));
}

interface Measured {
  group: string;
  c: Case;
  detectionMs: number;
  requests: number;
  skippedChecks: number;
  events: number;
  report: SyncReport | null;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const server = await startTemporalDevServer({ ui: false });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'naive-loop-workflow.ts'), logger: new DefaultLogger('ERROR') });
  const plan = groups();
  console.log(`${plan.reduce((n, g) => n + g.cases.length, 0)} syncs side by side; long ones skip ${SKIP_AT_MS / 1000} s in to ${TAIL_MS / MIN} min before their end…`);
  try {
    // each group's table as soon as it is done; all of them together at the end
    const results = await Promise.allSettled(
      plan.map(async (g) => {
        const measured = await runGroup(g, server.address, server.namespace, client, workflowBundle);
        printTable(measured);
        return measured;
      }),
    );
    results.filter((r) => r.status === 'rejected').forEach((r) => console.error('group failed:', r.reason));
    printTable(results.flatMap((r) => (r.status === 'fulfilled' ? r.value : [])));
  } finally {
    await connection.close();
    await server.stop();
  }
}

async function runGroup(group: Group, address: string, namespace: string, client: Client, workflowBundle: { code: string }): Promise<Measured[]> {
  const sim = await LabelStudioSimulator.start();
  const name = `bench${group.label.replace(/\W/g, '')}`.toLowerCase();
  const registry = new LabelStudioClientRegistry(new Map([[name, { name, baseUrl: sim.url, apiKey: sim.legacyToken, connectTimeoutMs: 5_000, responseTimeoutMs: 30_000 }]]));
  const etaOff = new Set<number>();
  const awaitSyncEnd = createAwaitSyncEnd(registry, () => sim.clock.now());
  const plainBackoff = plainBackoffPoll(awaitSyncEnd);
  const native = await NativeConnection.connect({ address });
  const taskQueue = `bench-${name}-${randomUUID()}`;
  const worker = await Worker.create({
    connection: native,
    namespace,
    taskQueue,
    workflowBundle,
    activities: {
      ...createActivities(registry),
      // the backoff before ETA polling and the fixed poll: the same activity, its checks placed by the plain backoff
      awaitSyncEnd: (input: AwaitSyncEndInput) => (etaOff.has(input.ref.id) ? plainBackoff(input) : awaitSyncEnd(input)),
    },
  });
  const running = worker.run();
  try {
    const storages = group.cases.map((c, i) => {
      const id = sim.addStorage({
        type: 'gcs_sa',
        project: 1,
        ...(c.previous !== null && { fields: previousSync(group.runMs * c.previous) }),
        // spread the ends over the poll intervals
        script: [{ status: 'completed', queuedMs: 200 + ((i * 1_777) % 15_000), runMs: group.runMs, count: ANNOTATIONS }],
      });
      if (c.strategy !== 'ETA') etaOff.add(id);
      return id;
    });
    const runs = group.cases.map((c, i) => runCase(client, taskQueue, name, storages[i]!, c));
    let skipMs = 0;
    const checksBefore = new Map<number, number>();
    if (group.runMs > SKIP_AT_MS + TAIL_MS) {
      // skip once every sync runs, so that the last one to start still has TAIL_MS to go
      const lastStart = await allRunning(sim, storages);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastStart + SKIP_AT_MS - sim.clock.now())));
      skipMs = group.runMs - (sim.clock.now() - lastStart) - TAIL_MS;
      storages.forEach((id) => checksBefore.set(id, requestsTo(sim, id).filter((r) => r.method === 'GET').length));
      sim.clock.skip(skipMs);
    }
    const reports = await Promise.all(runs);
    return await Promise.all(
      group.cases.map(async (c, i): Promise<Measured> => {
        const id = storages[i]!;
        const requests = requestsTo(sim, id);
        const history = await client.workflow.getHandle(workflowIdOf(name, id, c)).fetchHistory().catch(() => ({ events: [] }));
        const skippedChecks = skipMs > 0 ? checksInSpan(scheduleOf(c, checksBefore.get(id)!), skipMs) : 0;
        const events = history.events?.length ?? 0;
        return {
          group: group.label,
          c,
          detectionMs: detectionMs(sim, id, requests),
          requests: requests.length + skippedChecks,
          skippedChecks,
          // the naive loop writes history for every check: the skipped ones too
          events: c.strategy === 'naive loop' ? Math.round(events * (1 + skippedChecks / Math.max(1, requests.length))) : events,
          report: reports[i]!,
        };
      }),
    );
  } finally {
    worker.shutdown();
    await running;
    await native.close();
    await registry.close();
    await sim.close();
  }
}

/** Waits until every storage's sync is in progress; returns when the last one started (simulator clock). */
async function allRunning(sim: LabelStudioSimulator, ids: number[]): Promise<number> {
  for (;;) {
    const metas = ids.map((id) => sim.storage('gcs_sa', id)).map((s) => (s['status'] === 'in_progress' ? (s['meta'] as Record<string, unknown>) : null));
    if (metas.every((m) => m !== null)) return Math.max(...metas.map((m) => parseMicros(String(m['time_in_progress'])) / 1000));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

function runCase(client: Client, taskQueue: string, connection: string, id: number, c: Case): Promise<SyncReport | null> {
  const ref: StorageRef = { connection, type: 'gcs_sa', id };
  if (c.strategy === 'naive loop') {
    return client.workflow.execute('naiveSyncLoop', { taskQueue, workflowId: workflowIdOf(connection, id, c), args: [ref] }).then(() => null);
  }
  const policy = c.strategy === 'fixed 3 s' ? FIXED_3S : POLICY[c.cap];
  return runStorageSync(client, { connection, storageType: 'gcs_sa', storageId: id, policy }, { taskQueue }).catch((err: unknown) => {
    console.error(`${connection} storage ${id} (${c.strategy}, ${c.kind}):`, err instanceof Error ? err.message : err);
    return null;
  });
}

function workflowIdOf(connection: string, id: number, c: Case): string {
  return c.strategy === 'naive loop' ? `naive-${connection}-${id}` : syncWorkflowId(connection, 'gcs_sa', id);
}

/** A storage whose last sync completed after `ms`: what the read before the trigger shows. */
function previousSync(ms: number): Record<string, unknown> {
  return { status: 'completed', last_sync_count: ANNOTATIONS, meta: { attempts: 1, duration: ms / 1000, total_annotations: ANNOTATIONS } };
}

/** How the poller checks in the skipped span: far from the end, the ETA poll waits its cap too. */
function scheduleOf(c: Case, done: number): Schedule {
  if (c.strategy === 'naive loop') return { kind: 'every', ms: 5_000 };
  if (c.strategy === 'fixed 3 s') return { kind: 'every', ms: 3_000 };
  const maxMs = c.cap === '5m' ? 5 * MIN : 15_000;
  if (c.strategy === 'ETA') return { kind: 'every', ms: maxMs };
  return { kind: 'backoff', initialMs: 2_000, coefficient: 1.5, maxMs, done };
}

function printTable(all: Measured[]): void {
  const keys = [...new Set(all.map((m) => `${m.group}|${m.c.kind}|${m.c.strategy}|${m.c.cap}`))];
  const rows = keys.map((key) => {
    const ms = all.filter((m) => `${m.group}|${m.c.kind}|${m.c.strategy}|${m.c.cap}` === key);
    const [group, kind, strategy, cap] = key.split('|');
    const detection = ms.map((m) => m.detectionMs);
    const etas = ms.map((m) => m.report?.attempts[0]?.eta).filter((e) => e !== undefined);
    const bases = [...new Set(etas.map((e) => e.basis))].join('+');
    const offBy = etas.map((e) => Math.abs(e.offByMs ?? Number.NaN)).filter(Number.isFinite);
    const skipped = ms.some((m) => m.skippedChecks > 0) ? '†' : '';
    return {
      sync: group,
      kind,
      poller: strategy === 'ETA' || strategy === 'backoff' ? `${strategy}, cap ${cap}` : strategy,
      n: ms.length,
      'detect p50 s': seconds(quantile(detection, 0.5)),
      'p95 s': seconds(quantile(detection, 0.95)),
      'max s': seconds(Math.max(...detection)),
      requests: `${quantile(ms.map((m) => m.requests), 0.5)}${skipped}`,
      events: `${quantile(ms.map((m) => m.events), 0.5)}${strategy === 'naive loop' ? skipped : ''}`,
      'last check by': bases || '-',
      '|off| p50 s': offBy.length ? seconds(quantile(offBy, 0.5)) : '-',
      outcome: [...new Set(ms.map((m) => m.report?.outcome ?? (m.c.strategy === 'naive loop' ? 'completed' : 'error')))].join('+'),
    };
  });
  console.table(rows);
  console.log('detection: first GET after the end Label Studio recorded (simulator clock); requests: median per sync, trigger and reads included;');
  console.log('† includes the checks of the skipped span, counted from the poller\'s schedule there; |off|: the ETA report\'s |actual end − expected end|.');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

// Runs fault schedules as real syncExportStorage workflows against the simulator, all of a batch at
// once, and judges each against Label Studio's own record: the property suite
// (test/exactly-once.test.ts) and `npm run bench:exactly-once` share it.
import type { Client } from '@temporalio/client';
import fc from 'fast-check';
import { runStorageSync } from '../../src/client/sync-client';
import { SyncWorkflowError } from '../../src/client/sync-failure';
import type { LabelStudioConnection } from '../../src/config/label-studio-connections';
import type { LabelStudioSimulator } from '../../src/simulator';
import type { SyncPolicy } from '../../src/schema/sync-input';
import type { SyncReport } from '../../src/workflows/sync-report';
import { batches, RESPONSE_TIMEOUT_MS, type Schedule } from './schedule';
import { asTestCase } from './test-case';
import type { WorkerCrashes } from './worker-crash';

export interface PropertyEnv {
  sim: LabelStudioSimulator;
  client: Client;
  taskQueue: string;
  /** The worker's name for the simulator's connection (see propertyConnections). */
  connection: string;
  crashes: WorkerCrashes;
}

export type Problem = 'duplicate' | 'phantom' | 'report count mismatch' | 'wrongly failed' | 'lost' | 'outcome mismatch';

export interface Verdict {
  schedule: Schedule;
  storageId: number;
  /** Syncs Label Studio started for the storage. */
  started: number;
  /** Distinct syncs the report says the workflow started (modes triggered and landed-earlier). */
  triggered: number;
  /** The report's outcome; `lost` when the workflow did not end in time. */
  outcome: string;
  /** Label Studio's status of the storage once everything settled. */
  labelStudio: string;
  problems: Array<{ problem: Problem; detail: string }>;
}

/**
 * The worker's connections to the simulator, short timeouts so settle waits are short too: `name`
 * without a request budget (a sync triggers and polls in one activity) and `name`-budgeted, whose
 * calls go through its budget queue (the trigger and the poll apart), at a budget no schedule waits on.
 * A schedule says which it syncs through.
 */
export function propertyConnections(name: string, sim: LabelStudioSimulator): LabelStudioConnection[] {
  const connection = { name, baseUrl: sim.url, apiKey: sim.legacyToken, connectTimeoutMs: 1_000, responseTimeoutMs: RESPONSE_TIMEOUT_MS };
  return [
    { ...connection, requestsPerSecond: 'unlimited' },
    { ...connection, name: budgetedConnection(name), requestsPerSecond: 1_000 },
  ];
}

function budgetedConnection(name: string): string {
  return `${name}-budgeted`;
}

const STORAGE_TYPE = 'gcs' as const;

/** Quick checks and retries; the overall timeout leaves room for every fault a schedule can hold. */
const POLICY: SyncPolicy = {
  poll: { initial: '1s', coefficient: 1.5, max: '1s' },
  retryBackoff: { initial: '100ms', coefficient: 2, max: '1s' },
  stallTimeout: '1m',
  timeout: '3m',
};

/** A workflow not ended this long after its start is lost. */
const LOST_AFTER_MS = 4 * 60_000;

/**
 * After the last workflow ended, a request a fault held can still reach Label Studio and start a
 * sync, which then runs: judged only once that has had time to happen.
 */
const SETTLE_MS = 2 * RESPONSE_TIMEOUT_MS + 300 + 1_500 + 500;

export interface CheckOptions {
  /** Schedules run at once. */
  batch: number;
  /** Batches generated (runs × batch schedules, unless one fails). */
  runs: number;
  seed: number;
  /** Shrinking a failure stops after this long, keeping the smallest failing schedule found. */
  timeLimitMs: number;
  /** Told of each generated batch's verdicts (not of the batches shrinking reruns). */
  onBatch?: (verdicts: Verdict[]) => void;
}

export interface CheckResult {
  seed: number;
  /** The minimal failing schedules as tests to paste, with the seed and path that replay the run; undefined when all passed. */
  failure?: string;
}

/** The property over generated batches: on a failure fast-check shrinks it to a minimal schedule. */
export async function checkExactlyOnce(env: PropertyEnv, options: CheckOptions): Promise<CheckResult> {
  let shrinking = false;
  let smallest: Verdict[] = [];
  const property = fc.asyncProperty(batches(options.batch), async (batch) => {
    const verdicts = await runSchedules(env, batch);
    if (!shrinking) options.onBatch?.(verdicts);
    const failing = verdicts.filter((v) => v.problems.length > 0);
    if (failing.length === 0) return true;
    shrinking = true;
    smallest = failing; // the last failing run is the counterexample fast-check ends on
    return false;
  });
  const result = await fc.check(property, { numRuns: options.runs, seed: options.seed, interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: true });
  if (!result.failed) return { seed: options.seed };
  const how = `seed ${result.seed}, path "${result.counterexamplePath ?? ''}", ${result.numShrinks} shrinks${result.interrupted ? ', shrinking cut short by the time limit' : ''}`;
  if (smallest.length === 0) return { seed: options.seed, failure: `the property failed without a failing schedule (${how})` };
  return { seed: options.seed, failure: `${smallest.length} schedule(s) not run exactly once (${how}):\n\n${smallest.map(asTestCase).join('\n\n')}` };
}

export async function runSchedules(env: PropertyEnv, schedules: Schedule[]): Promise<Verdict[]> {
  const runs = schedules.map((schedule) => {
    const storageId = prepare(env, schedule);
    return { schedule, storageId, end: runOne(env, schedule, storageId) };
  });
  const ends = await Promise.all(runs.map((r) => r.end));
  await settled(env.sim, runs.map((r) => r.storageId));
  return runs.map((r, i) => judge(env.sim, r.schedule, r.storageId, ends[i]!));
}

/** The storage, its Label Studio script, its faults and its worker crashes. */
function prepare(env: PropertyEnv, schedule: Schedule): number {
  const id = env.sim.addStorage({ type: STORAGE_TYPE, project: 1, script: schedule.script });
  const base = `/api/storages/export/${STORAGE_TYPE}/${id}`;
  // A passing request takes a no-op fault, so the next fault waits for the request after it.
  for (const step of schedule.post) env.sim.injectFault({ ...(step === 'pass' ? { kind: 'delay', ms: 0 } : step), match: { method: 'POST', path: `${base}/sync` } });
  for (const step of schedule.get) env.sim.injectFault({ ...(step === 'pass' ? { kind: 'delay', ms: 0 } : step), match: { method: 'GET', path: base } });
  env.crashes.plan(id, schedule.crashes);
  return id;
}

type End = { report?: SyncReport; lost?: true; error?: string };

async function runOne(env: PropertyEnv, schedule: Schedule, storageId: number): Promise<End> {
  const connection = schedule.budgeted ? budgetedConnection(env.connection) : env.connection;
  const input = { connection, storageType: STORAGE_TYPE, storageId, policy: { ...POLICY, ...schedule.policy } };
  let timer: NodeJS.Timeout | undefined;
  const lost = new Promise<End>((resolve) => {
    timer = setTimeout(() => resolve({ lost: true }), LOST_AFTER_MS);
  });
  const ended = runStorageSync(env.client, input, { taskQueue: env.taskQueue }).then(
    (report): End => ({ report }),
    (err: unknown): End => (err instanceof SyncWorkflowError && err.report ? { report: err.report } : { error: String(err) }),
  );
  return Promise.race([ended, lost]).finally(() => clearTimeout(timer));
}

const RUNNING = new Set(['queued', 'in_progress']);

/** Waits out late requests, then until no storage's sync is still running. */
async function settled(sim: LabelStudioSimulator, ids: number[]): Promise<void> {
  await sleep(SETTLE_MS);
  for (let i = 0; i < 100 && ids.some((id) => RUNNING.has(String(sim.storage(STORAGE_TYPE, id)['status']))); i++) await sleep(100);
}

function judge(sim: LabelStudioSimulator, schedule: Schedule, storageId: number, end: End): Verdict {
  const started = sim.syncsStarted(STORAGE_TYPE, storageId);
  const labelStudio = String(sim.storage(STORAGE_TYPE, storageId)['status']);
  const report = end.report;
  const triggered = report ? triggeredSyncs(report) : 0;
  const outcome = report?.outcome ?? (end.lost ? 'lost' : `no report (${end.error})`);
  const problems: Verdict['problems'] = [];
  const add = (problem: Problem, detail: string) => problems.push({ problem, detail });
  if (end.lost) add('lost', `the workflow did not end within ${LOST_AFTER_MS / 1000} s`);
  if (report) {
    if (started > triggered) add('duplicate', `Label Studio started ${started} sync(s), the report lists ${triggered}`);
    if (started < triggered) add('phantom', `the report lists ${triggered} sync(s), Label Studio started ${started}`);
    // Nothing else posts here: every sync Label Studio ran was this workflow's, and its count says so.
    const { ran, triggered: counted } = report.labelStudioSyncs;
    if (counted !== triggered || ran !== triggered) add('report count mismatch', `labelStudioSyncs ran ${ran}, triggered ${counted}; the attempts list ${triggered}`);
    if (labelStudio === 'completed' && report.outcome === 'failed') add('wrongly failed', 'the report says failed, Label Studio completed the last sync');
  }
  const expected = expectedOutcome(labelStudio);
  if (!end.lost && outcome !== expected) add('outcome mismatch', `outcome ${outcome}, Label Studio's last sync ${labelStudio}: expected ${expected}`);
  return { schedule, storageId, started, triggered, outcome, labelStudio, problems };
}

/**
 * The report's outcome Label Studio's final status calls for. A completed_with_errors end is that
 * outcome under every policy (warn: a success; fail: at once; retry: once the attempts ran out); a
 * storage that never synced means every trigger was refused: failed.
 */
function expectedOutcome(labelStudio: string): string {
  return labelStudio === 'initialized' ? 'failed' : labelStudio;
}

/** Syncs the workflow started: its own POSTs that landed, by Label Studio's count (meta.attempts). */
export function triggeredSyncs(report: SyncReport): number {
  const own = report.attempts.filter((a) => (a.mode === 'triggered' || a.mode === 'landed-earlier') && a.syncAttempt > 0);
  return new Set(own.map((a) => a.syncAttempt)).size;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwaitSyncEnd } from '../src/activities/await-sync-end';
import { noLaterThanStale, STALE_PING_LIMIT_MS } from '../src/activities/dead-job';
import { CHECK_FLOOR_MS } from '../src/activities/sync-eta';
import type { AwaitSyncEndInput, AwaitSyncEndResult, PollHeartbeat } from '../src/activities/types';
import { FailureType } from '../src/failure-types';
import { LabelStudioClient } from '../src/labelstudio/client';
import { LabelStudioClientRegistry } from '../src/labelstudio/client-registry';
import type { LabelStudioSimulator } from '../src/simulator';
import { recordHistory } from './helpers/record-history';
import { startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { startSync } from './helpers/sync-run';
import { DEAD_JOB_BACKOFF_PATCH } from '../src/workflows/sync-export-storage';
import { labelStudioConnection, TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

// A sync whose Label Studio job died (the simulator's killSync: no more pings, status stays in_progress).
// The simulator's clock is skipped past Label Studio's 25 s ping limit instead of waiting it out.
let sim: LabelStudioSimulator;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim?.close());

const LONG_RUN = { status: 'completed', runMs: 3_600_000, count: 1_000 } as const;
const listReads = (project: number) => sim.requests.filter((r) => r.method === 'GET' && r.path.includes(`?project=${project}`)).length;

/** A storage whose long sync is running (in_progress) when this resolves. */
async function runningSync(project: number): Promise<number> {
  const id = sim.addStorage({ type: 's3', project, script: [LONG_RUN] });
  const client = new LabelStudioClient({ baseUrl: sim.url, apiKey: sim.legacyToken });
  await client.triggerExportSync('s3', id);
  await client.close();
  while (sim.storage('s3', id)['status'] !== 'in_progress') await new Promise((r) => setTimeout(r, 20));
  return id;
}

describe('where a check of a running sync places the next one', () => {
  // Ages are Label Studio's (its Date against meta.time_last_ping), so the rule is tested on given numbers.
  it('keeps the backoff while the ping is fresh (10 s or younger) and once it is already past the limit', () => {
    expect(noLaterThanStale(15_000, null)).toBe(15_000);
    expect(noLaterThanStale(15_000, 10_000)).toBe(15_000);
    expect(noLaterThanStale(15_000, STALE_PING_LIMIT_MS + 1)).toBe(15_000);
  });

  it('places it just past the 25 s limit while the ping is overdue, Date precision included, never below the floor', () => {
    expect(noLaterThanStale(15_000, 12_000)).toBe(STALE_PING_LIMIT_MS + 1_000 - 12_000);
    expect(noLaterThanStale(5_000, 12_000)).toBe(5_000); // a sooner check stays sooner
    expect(noLaterThanStale(15_000, 24_500)).toBe(1_500);
    expect(noLaterThanStale(15_000, STALE_PING_LIMIT_MS)).toBe(CHECK_FLOOR_MS); // 1 s left, the floor
  });
});

describe('one poll check of a sync whose job died', () => {
  let registry: LabelStudioClientRegistry;
  beforeAll(() => {
    registry = new LabelStudioClientRegistry(new Map([[TEST_CONNECTION, labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken)]]));
  });
  afterAll(() => registry?.close());

  // The cap-sized backoff: without an overdue ping, every check would come 15 s after the last.
  const POLL = { initialMs: 15_000, coefficient: 1, maxMs: 15_000 };

  async function check(id: number, heartbeatDetails?: PollHeartbeat) {
    const env = new MockActivityEnvironment({ heartbeatDetails, heartbeatTimeoutMs: 10_000 }, { logger: new DefaultLogger('ERROR') });
    const input: AwaitSyncEndInput = { ref: { connection: TEST_CONNECTION, type: 's3', id }, syncAttempt: 1, stallTimeoutMs: 3_600_000, poll: POLL };
    const awaitSyncEnd = createAwaitSyncEnd(registry);
    return env.run<[AwaitSyncEndInput], AwaitSyncEndResult, typeof awaitSyncEnd>(awaitSyncEnd, input).then(
      (result) => ({ result, failure: undefined }),
      (err: unknown) => ({ result: undefined, failure: err as ApplicationFailure }),
    );
  }

  it('reads only the storage while the ping is fresh, places the next check at the ping limit once it is overdue, then reads the list once and sees the job failed', async () => {
    const project = 101;
    const id = await runningSync(project);
    sim.killSync('s3', id);

    const fresh = await check(id);
    expect(fresh.failure?.type).toBe(FailureType.SyncStillRunning);
    expect(fresh.failure?.nextRetryDelay).toBe(POLL.maxMs);
    expect(listReads(project)).toBe(0);

    sim.clock.skip(12_000); // overdue (a live job pings every 5 s), not yet past Label Studio's limit
    const overdue = await check(id);
    expect(overdue.failure?.type).toBe(FailureType.SyncStillRunning);
    expect(listReads(project)).toBe(0); // where that check placed the next one is noLaterThanStale's, tested below by its rule

    sim.clock.skip(STALE_PING_LIMIT_MS - 12_000 + 1_500);
    const before = sim.requests.length;
    const dead = await check(id);
    expect(dead.failure).toBeUndefined();
    expect(dead.result).toMatchObject({ status: 'failed', attempts: 1, traceback: expect.stringContaining('last ping time is too old') });
    // Past the limit by Label Studio's clock (its Date header counts whole seconds, so one may be lost).
    expect(dead.result?.deadForMs).toBeGreaterThan(STALE_PING_LIMIT_MS - 1_000);
    expect(sim.requests.length - before).toBe(2); // the storage, and its list: one extra request
    expect(listReads(project)).toBe(1);
  });

  it('leaves a stale ping on a sync that is not in progress alone', async () => {
    const project = 102;
    const id = sim.addStorage({ type: 's3', project, script: [{ status: 'stuck_queued', queuedMs: 3_600_000 }] });
    const client = new LabelStudioClient({ baseUrl: sim.url, apiKey: sim.legacyToken });
    await client.triggerExportSync('s3', id);
    await client.close();
    sim.clock.skip(60_000);
    expect((await check(id)).failure?.type).toBe(FailureType.SyncStillRunning);
    expect(listReads(project)).toBe(0);
  });
});

describe('a sync whose Label Studio job died', () => {
  let t: TestTemporal;
  beforeAll(async () => {
    t = await startWorkerFor(sim);
  });
  afterAll(() => t?.close());

  it('is noticed through the list read and retried by the sync policy', async () => {
    const project = 201;
    const id = sim.addStorage({ type: 's3', project, script: [LONG_RUN, { status: 'completed', runMs: 200, count: 5 }] });
    const { handle } = await startSync(t.client, t.taskQueue, 's3', id, { maxAttempts: 2 });
    while (sim.storage('s3', id)['status'] !== 'in_progress') await new Promise((r) => setTimeout(r, 50));
    sim.killSync('s3', id);
    sim.clock.skip(STALE_PING_LIMIT_MS + 1_500);

    const report = await handle.result();
    expect(report.outcome).toBe('completed');
    expect(report.attempts.map((a) => a.status)).toEqual(['failed', 'completed']);
    expect(report.attempts[0]!.traceback).toContain('last ping time is too old');
    expect(sim.syncsStarted('s3', id)).toBe(2);
    expect(listReads(project)).toBe(1);
    await recordHistory(handle, 'dead-job-retried');
  });

  it('counts the retry backoff from the job\'s last ping: a backoff shorter than the ping limit has passed when the death is noticed', async () => {
    const project = 202;
    const id = sim.addStorage({ type: 's3', project, script: [LONG_RUN, { status: 'completed', runMs: 200, count: 5 }] });
    const { handle } = await startSync(t.client, t.taskQueue, 's3', id, { maxAttempts: 2, retryBackoff: { initial: '20s' } });
    while (sim.storage('s3', id)['status'] !== 'in_progress') await new Promise((r) => setTimeout(r, 50));
    sim.killSync('s3', id);
    sim.clock.skip(STALE_PING_LIMIT_MS + 1_500);

    const report = await handle.result();
    expect(report.attempts.map((a) => a.status)).toEqual(['failed', 'completed']);
    const events = (await handle.fetchHistory()).events ?? [];
    // Label Studio fails a job only once its ping is over 25 s old: the 20 s backoff is over, no timer waits it out.
    expect(events.filter((e) => e.timerStartedEventAttributes)).toEqual([]);
    const patches = events.flatMap((e) => {
      const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
      return data ? [Buffer.from(data).toString()] : [];
    });
    expect(patches.join()).toContain(DEAD_JOB_BACKOFF_PATCH);
    await recordHistory(handle, 'dead-job-backoff-from-last-ping');
  });
});

import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTriggerAndAwaitSync } from '../src/activities/trigger-and-await-sync';
import type { TriggerAndAwaitHeartbeat, TriggerAndAwaitInput, TriggerAndAwaitResult, TriggerSyncResult } from '../src/activities/types';
import { FailureType } from '../src/failure-types';
import { LabelStudioClientRegistry } from '../src/labelstudio/client-registry';
import type { Fault, LabelStudioSimulator } from '../src/simulator';
import { rejectionOf } from './helpers/rejection';
import { startSimulator } from './helpers/simulated-label-studio';
import { labelStudioConnection, TEST_CONNECTION } from './helpers/temporal';

// The activity that triggers and then polls, one try at a time in the SDK's mock activity context,
// against the simulator: what each try heartbeats and how it fails tell the next try (and the
// workflow) whether the trigger already has a result, so no try after it posts again.
const POLL = { initialMs: 1_000, coefficient: 1.5, maxMs: 15_000 };
let sim: LabelStudioSimulator;
let registry: LabelStudioClientRegistry;

beforeAll(async () => {
  sim = await startSimulator();
  registry = new LabelStudioClientRegistry(new Map([[TEST_CONNECTION, { ...labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken), responseTimeoutMs: 1_000 }]]));
});

afterAll(async () => {
  await registry.close();
  await sim.close();
});

/** One try of the activity on a storage whose sync runs for `runMs`, after a try that heartbeated `previous`. */
function runTry(id: number, attempt: number, previous?: TriggerAndAwaitHeartbeat) {
  const env = new MockActivityEnvironment({ attempt, heartbeatDetails: previous, heartbeatTimeoutMs: 10_000 }, { logger: new DefaultLogger('ERROR') });
  const heartbeats: TriggerAndAwaitHeartbeat[] = [];
  env.on('heartbeat', (d: TriggerAndAwaitHeartbeat) => heartbeats.push(d));
  const input: TriggerAndAwaitInput = { ref: { connection: TEST_CONNECTION, type: 'gcs_sa', id }, baselineAttempts: 0, stallTimeoutMs: 60_000, poll: POLL };
  const activity = createTriggerAndAwaitSync(registry);
  const outcome = env.run<[TriggerAndAwaitInput], TriggerAndAwaitResult, typeof activity>(activity, input);
  const posts = () => sim.requests.filter((r) => r.method === 'POST' && r.path === `/api/storages/export/gcs_sa/${id}/sync`).length;
  return { outcome, heartbeats, posts };
}

function storage(faultOnPost?: Fault): number {
  const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_in_progress' }] });
  if (faultOnPost) sim.injectFault({ ...faultOnPost, match: { method: 'POST', path: `/api/storages/export/gcs_sa/${id}/sync` } });
  return id;
}

describe('triggerAndAwaitSync', () => {
  it('posts, heartbeats the result before its first check, and ends the try as the poll does, the result riding along', async () => {
    const id = storage();
    const { outcome, heartbeats, posts } = runTry(id, 1);
    const failure = await rejectionOf(outcome, ApplicationFailure);
    expect(failure.type).toBe(FailureType.SyncStillRunning);
    expect(failure.nextRetryDelay).toBeDefined();
    const triggered = (failure.details?.at(-1) as { triggered: TriggerSyncResult }).triggered;
    expect(triggered).toMatchObject({ posted: true, syncAttempt: 1 });
    const first = heartbeats.findIndex((h) => h.triggered !== undefined);
    expect(heartbeats.slice(0, first).every((h) => h.triggerTries === 1)).toBe(true);
    expect(heartbeats[first]).toEqual({ triggered });
    expect(posts()).toBe(1);
  });

  it('never posts on a try after the trigger had a result: it checks, from where the last check left off', async () => {
    const id = storage();
    const first = runTry(id, 1);
    const failure = await rejectionOf(first.outcome, ApplicationFailure);
    const { outcome, heartbeats, posts } = runTry(id, 2, first.heartbeats.at(-1));
    expect((await rejectionOf(outcome, ApplicationFailure)).type).toBe(FailureType.SyncStillRunning);
    expect(posts()).toBe(1);
    expect(heartbeats.at(-1)?.triggered).toEqual((failure.details?.at(-1) as { triggered: TriggerSyncResult }).triggered);
    expect(heartbeats.at(-1)?.since).toBe(first.heartbeats.at(-1)?.since); // no progress: the stall clock runs on
  });

  it('returns the end and the sync it triggered once the sync has ended', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', runMs: 200, count: 3 }] });
    const first = runTry(id, 1);
    await rejectionOf(first.outcome, ApplicationFailure);
    await new Promise((r) => setTimeout(r, 400));
    const { outcome, posts } = runTry(id, 2, first.heartbeats.at(-1));
    expect(await outcome).toMatchObject({ triggered: { posted: true, syncAttempt: 1 }, end: { status: 'completed', attempts: 1, lastSyncCount: 3 } });
    expect(posts()).toBe(1);
  });

  it('retries a refused POST after the trigger backoff or Retry-After, counting its tries', async () => {
    const id = storage({ kind: 'status', status: 429, retryAfter: '2' });
    const { outcome, heartbeats } = runTry(id, 1);
    expect(await rejectionOf(outcome, ApplicationFailure)).toMatchObject({ type: 'LabelStudio.rate_limited', nonRetryable: false, nextRetryDelay: 2_000 });
    expect(heartbeats.at(-1)).toEqual({ triggerTries: 1, postSentAt: null });

    const gateway = storage({ kind: 'status', status: 503 });
    const second = runTry(gateway, 3, { triggerTries: 2, postSentAt: null });
    expect(await rejectionOf(second.outcome, ApplicationFailure)).toMatchObject({ nonRetryable: false, nextRetryDelay: 1_000 }); // waited out: settled
    expect(second.heartbeats.at(-1)?.triggerTries).toBe(3);
  });

  it('gives up after five tries without a clean answer, for the workflow to read whether a POST landed', async () => {
    const id = storage({ kind: 'status', status: 429, retryAfter: '1' });
    const { outcome, posts } = runTry(id, 5, { triggerTries: 4, postSentAt: null });
    const failure = await rejectionOf(outcome, ApplicationFailure);
    expect(failure).toMatchObject({ type: FailureType.SyncTriggerGaveUp, nonRetryable: true });
    expect(failure.message).toContain('429');
    expect(posts()).toBe(1);
  });

  it('ends at once on a permanent error, carrying no trigger result', async () => {
    const { outcome } = runTry(9_999, 1);
    const failure = await rejectionOf(outcome, ApplicationFailure);
    expect(failure).toMatchObject({ type: 'LabelStudio.not_found', nonRetryable: true });
    expect(failure.details?.some((d) => typeof d === 'object' && d !== null && 'triggered' in d)).toBe(false);
  });
});

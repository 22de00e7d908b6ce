import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTriggerSync } from '../src/activities/trigger-sync';
import type { TriggerSyncInput, TriggerSyncResult } from '../src/activities/types';
import { LabelStudioClientRegistry } from '../src/labelstudio/client-registry';
import type { Fault, LabelStudioSimulator } from '../src/simulator';
import { rejectionOf } from './helpers/rejection';
import { startSimulator } from './helpers/simulated-label-studio';
import { labelStudioConnection, TEST_CONNECTION } from './helpers/temporal';

// The trigger's retry on its own, in the SDK's mock activity context (no worker, no server), against
// the simulator. The try before it died with its POST on the way (a killed worker): only the heartbeat
// details it left tell the retry whether that POST may still land.
const RESPONSE_TIMEOUT_MS = 1_000;
let sim: LabelStudioSimulator;
let registry: LabelStudioClientRegistry;

beforeAll(async () => {
  sim = await startSimulator();
  registry = new LabelStudioClientRegistry(
    new Map([[TEST_CONNECTION, { ...labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken), responseTimeoutMs: RESPONSE_TIMEOUT_MS }]]),
  );
});

afterAll(async () => {
  await registry.close();
  await sim.close();
});

function retryOfTrigger(id: number, heartbeatDetails: unknown) {
  const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails, heartbeatTimeoutMs: 10_000 }, { logger: new DefaultLogger('ERROR') });
  const input: TriggerSyncInput = { ref: { connection: TEST_CONNECTION, type: 'gcs_sa', id }, baselineAttempts: 0 };
  const trigger = createTriggerSync(registry);
  return env.run<[TriggerSyncInput], TriggerSyncResult, typeof trigger>(trigger, input);
}

/**
 * The dead try's POST: a proxy holds it, and nobody is left to read the answer. It is not aborted:
 * on a loaded machine an abort can beat the request to the server, and then it never lands at all.
 * Returns its send time once Label Studio has it.
 */
async function postOfDeadTry(id: number, heldMs: number): Promise<number> {
  const path = `/api/storages/export/gcs_sa/${id}/sync`;
  sim.injectFault({ kind: 'hold', ms: heldMs, match: { method: 'POST', path } });
  const sentAt = Date.now();
  void fetch(`${sim.url}${path}`, { method: 'POST', headers: { authorization: `Token ${sim.legacyToken}` } }).catch(() => undefined);
  await vi.waitFor(() => expect(sim.requests.some((r) => r.method === 'POST' && r.path === path)).toBe(true));
  return sentAt;
}

describe('triggerSync retried after its worker died mid-POST', () => {
  it('waits for the POST the dead try left on the way and joins its sync instead of posting again', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued' }] });
    const sentAt = await postOfDeadTry(id, RESPONSE_TIMEOUT_MS);
    const result = await retryOfTrigger(id, { postSentAt: sentAt });
    expect(result.posted).toBe(false);
    expect(result.syncAttempt).toBe(1);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });

  it('posts once the dead try\'s POST can no longer land, when it never did', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued' }] });
    const result = await retryOfTrigger(id, { postSentAt: Date.now() });
    expect(result.posted).toBe(true);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    // The retry looked until twice the response timeout after the dead POST had passed.
    const reads = sim.requests.filter((r) => r.method === 'GET' && r.path.includes(`/gcs_sa/${id}`));
    expect(reads.length).toBeGreaterThanOrEqual(2);
  });

  it('posts at once when the try before it was answered by Label Studio (nothing left on the way)', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued' }] });
    const result = await retryOfTrigger(id, { postSentAt: null });
    expect(result.posted).toBe(true);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    expect(sim.requests.filter((r) => r.path.includes(`/gcs_sa/${id}`)).map((r) => r.method)).toEqual(['GET', 'POST']);
  });
});

describe("triggerSync's first try, by what answered its POST", () => {
  /** The first try with `fault` on its POST; every heartbeat it gave, in order. */
  async function firstTry(fault: Fault) {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued' }] });
    sim.injectFault({ ...fault, match: { method: 'POST', path: `/api/storages/export/gcs_sa/${id}/sync` } });
    const env = new MockActivityEnvironment({ attempt: 1, heartbeatTimeoutMs: 10_000 }, { logger: new DefaultLogger('ERROR') });
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => heartbeats.push(details));
    const input: TriggerSyncInput = { ref: { connection: TEST_CONNECTION, type: 'gcs_sa', id }, baselineAttempts: 0 };
    const trigger = createTriggerSync(registry);
    const outcome = env.run<[TriggerSyncInput], TriggerSyncResult, typeof trigger>(trigger, input);
    const calls = () => sim.requests.filter((r) => r.path.includes(`/gcs_sa/${id}`)).map((r) => `${r.method} ${r.status}`);
    return { id, outcome, heartbeats, calls };
  }

  it("ends at once on Label Studio's refusal (429), reading nothing", async () => {
    const { outcome, heartbeats, calls } = await firstTry({ kind: 'status', status: 429, retryAfter: '1' });
    expect(await rejectionOf(outcome, ApplicationFailure)).toMatchObject({ type: 'LabelStudio.rate_limited', nonRetryable: false });
    expect(calls()).toEqual(['POST 429']);
    expect(heartbeats.at(-1)).toEqual({ postSentAt: null });
  });

  it("reads once after Label Studio's JSON 500 and ends with it when no sync was queued", async () => {
    const { id, outcome, heartbeats, calls } = await firstTry({ kind: 'status', status: 500, detail: 'Bucket not found' });
    const failure = await rejectionOf(outcome, ApplicationFailure);
    expect(failure.type).toBe('LabelStudio.server_error');
    expect(failure.message).toContain('Bucket not found');
    expect(calls()).toEqual(['POST 500', 'GET 200']);
    expect(heartbeats.at(-1)).toEqual({ postSentAt: null });
    expect(sim.syncsStarted('gcs_sa', id)).toBe(0);
  });

  it("joins the sync when Label Studio's JSON 500 came after it queued one", async () => {
    const { id, outcome, calls } = await firstTry({ kind: 'error-after-run', status: 500 });
    expect(await outcome).toMatchObject({ posted: false, syncAttempt: 1 });
    expect(calls()).toEqual(['POST 500', 'GET 200']);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });

  it("keeps looking after a gateway's page until its POST could no longer land, holding the send time meanwhile", async () => {
    const { id, outcome, heartbeats, calls } = await firstTry({ kind: 'gateway', status: 504, answerAfterMs: 0 });
    const failure = await rejectionOf(outcome, ApplicationFailure);
    expect(failure).toMatchObject({ type: 'LabelStudio.server_error', nextRetryDelay: 1_000 });
    const { postSentAt } = heartbeats[0] as { postSentAt: number };
    expect(heartbeats.at(-1)).toEqual({ postSentAt: null });
    // Reads while the POST might land, and one sent once it could not any more.
    const reads = sim.requests.filter((r) => r.method === 'GET' && r.path.includes(`/gcs_sa/${id}`));
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.at(-1)!.at).toBeGreaterThanOrEqual(postSentAt + 2 * RESPONSE_TIMEOUT_MS);
    expect(calls()[0]).toBe('POST 504');
    expect(sim.syncsStarted('gcs_sa', id)).toBe(0);
  });

  it("joins the sync of a POST that Label Studio got after the gateway's page", async () => {
    const { id, outcome, calls } = await firstTry({ kind: 'gateway', status: 502, answerAfterMs: 0, reachAfterMs: 700 });
    expect(await outcome).toMatchObject({ posted: false, syncAttempt: 1 });
    expect(calls().filter((c) => c.startsWith('POST'))).toEqual(['POST 502']);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });
});

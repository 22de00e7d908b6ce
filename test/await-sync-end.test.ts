import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwaitSyncEnd } from '../src/activities/await-sync-end';
import type { AwaitSyncEndInput, AwaitSyncEndResult, PollHeartbeat } from '../src/activities/types';
import { LabelStudioClientRegistry } from '../src/labelstudio/client-registry';
import type { LabelStudioSimulator } from '../src/simulator';
import { startSimulator } from './helpers/simulated-label-studio';
import { labelStudioConnection, TEST_CONNECTION } from './helpers/temporal';

// One check of the poll on its own, in the SDK's mock activity context, against the simulator: what
// it tells Temporal about the next check when Label Studio did not answer this one.
const POLL = { initialMs: 2_000, coefficient: 1.5, maxMs: 15_000 };
let sim: LabelStudioSimulator;
let registry: LabelStudioClientRegistry;

beforeAll(async () => {
  sim = await startSimulator();
  registry = new LabelStudioClientRegistry(new Map([[TEST_CONNECTION, labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken)]]));
});

afterAll(async () => {
  await registry.close();
  await sim.close();
});

/** Runs one check whose read gets a 503; returns the failure and the heartbeat it left. */
async function failedCheck(heartbeatDetails: PollHeartbeat | undefined, fault: { status: 503 | 429; retryAfter?: string } = { status: 503 }) {
  const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_in_progress' }] });
  sim.injectFault({ kind: 'status', ...fault, match: { method: 'GET', path: `/api/storages/export/gcs_sa/${id}` } });
  const env = new MockActivityEnvironment({ attempt: 7, heartbeatDetails, heartbeatTimeoutMs: 10_000 }, { logger: new DefaultLogger('ERROR') });
  let last: unknown;
  env.on('heartbeat', (d: unknown) => (last = d));
  const input: AwaitSyncEndInput = { ref: { connection: TEST_CONNECTION, type: 'gcs_sa', id }, syncAttempt: 1, stallTimeoutMs: 60_000, poll: POLL };
  const check = createAwaitSyncEnd(registry);
  const err = await env.run<[AwaitSyncEndInput], AwaitSyncEndResult, typeof check>(check, input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return { failure: err as ApplicationFailure, heartbeat: last as PollHeartbeat };
}

describe('a poll check Label Studio did not answer', () => {
  it('is retried after 1 s, then 2 s, 4 s… up to the poll cap, not after the backoff the poll has reached', async () => {
    const mark = { fingerprint: 'in_progress', since: Date.now() };
    const first = await failedCheck(mark);
    expect(first.failure.nextRetryDelay).toBe(1_000);
    expect(first.heartbeat).toMatchObject({ ...mark, failedChecks: 1 }); // the progress mark survives the fault
    const third = await failedCheck({ ...mark, failedChecks: 2 });
    expect(third.failure.nextRetryDelay).toBe(4_000);
    const many = await failedCheck({ ...mark, failedChecks: 9 });
    expect(many.failure.nextRetryDelay).toBe(POLL.maxMs);
  });

  it('waits as long as Retry-After says', async () => {
    const { failure } = await failedCheck(undefined, { status: 429, retryAfter: '3' });
    expect(failure.nextRetryDelay).toBe(3_000);
  });
});

import { afterAll, beforeAll, describe, it } from 'vitest';
import { checkExactlyOnce, propertyConnections, type PropertyEnv } from './property/exactly-once';
import { WorkerCrashes } from './property/worker-crash';
import { startSimulator } from './helpers/simulated-label-studio';
import { startTestWorker, TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

// Exactly once for every answer Label Studio or a proxy can give: generated schedules of faults on
// the trigger's and the poll's requests, and worker crashes mid-POST, run as real workflows. Each
// run is a batch of schedules at once (one storage each); a failing batch shrinks to a minimal
// schedule, printed as a test to paste below. A batch lasts as long as its slowest schedule (several
// faults in a row cost tens of seconds), so one wide batch, not several narrow ones, keeps the suite
// well under 2 minutes. LST_EXACTLY_ONCE_SEED replays a run; `npm run bench:exactly-once` runs thousands.
const BATCH = 300;
const RUNS = 1;

describe('exactly once under generated fault schedules', () => {
  const env = {} as PropertyEnv;
  let t: TestTemporal | undefined;

  beforeAll(async () => {
    env.sim = await startSimulator();
    env.crashes = new WorkerCrashes(env.sim);
    t = await startTestWorker(propertyConnections(TEST_CONNECTION, env.sim), { interceptors: { activity: [env.crashes.interceptor] } });
    Object.assign(env, { client: t.client, taskQueue: t.taskQueue, connection: TEST_CONNECTION });
  });
  afterAll(async () => {
    env.crashes?.release();
    await t?.close();
    await env.sim?.close();
  });

  it(`Label Studio registers exactly the syncs each report lists, and every outcome matches Label Studio (${RUNS} × ${BATCH} schedules)`, async () => {
    const seed = Number(process.env.LST_EXACTLY_ONCE_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`exactly-once: seed ${seed}`);
    const { failure } = await checkExactlyOnce(env, { batch: BATCH, runs: RUNS, seed, timeLimitMs: 8 * 60_000 });
    if (failure) throw new Error(failure);
  }, 10 * 60_000);
});

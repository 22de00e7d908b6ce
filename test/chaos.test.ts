import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChaos, summarize } from '../bench/chaos/chaos-run';
import { TEST_STATE_DIR } from './setup/paths';

// A small chaos run (the full one is `npm run bench:chaos`): worker processes SIGKILLed and
// restarted, its own Temporal dev server restarted mid-run, 30 % of Label Studio requests faulted.
describe('chaos', () => {
  it('completes every sync, loses none, and Label Studio started exactly the syncs each report counts', async () => {
    const result = await runChaos({
      syncs: 40,
      workerKills: 3,
      serverRestarts: 1,
      faultRate: 0.3,
      seed: 7,
      stateDir: join(TEST_STATE_DIR, 'chaos'),
      graceMs: 10 * 60_000,
      log: (line) => console.log(`[chaos] ${line}`),
    });
    console.table([summarize(result)]);
    expect(result.kills).toBe(3);
    expect(result.serverRestarts).toBe(1);
    expect(result.faults).toEqual({
      'server-error': expect.any(Number),
      throttled: expect.any(Number),
      reset: expect.any(Number),
      'late-answer': expect.any(Number),
      held: expect.any(Number),
      'lost-answer': expect.any(Number),
      'gateway-timeout': expect.any(Number),
      'error-after-run': expect.any(Number),
      truncated: expect.any(Number),
      garbled: expect.any(Number),
    });
    expect(Object.entries(result.faults).filter(([, n]) => n === 0)).toEqual([]); // every kind of fault was hit
    const seen = result.outcomes.map((o) => ({ storage: `${o.edition} ${o.id}`, result: o.result, failureType: o.failureType, triggered: o.triggered }));
    const expected = result.outcomes.map((o) => ({ storage: `${o.edition} ${o.id}`, result: 'completed', failureType: undefined, triggered: o.syncsStarted }));
    expect(seen).toEqual(expected);
  }, 20 * 60_000);
});

import { describe, expect, it } from 'vitest';
import { parseLabelStudioTime } from '../src/activities/sync-eta';
import type { SyncPolicy } from '../src/schema/sync-input';
import { simulatedLabelStudioPerFile } from './helpers/simulated-label-studio';
import { runSync } from './helpers/sync-run';

// The poll places its checks by what Label Studio reports (progress pings every 5 s, the previous
// sync's duration) and says so in the report. Real Temporal server, simulated Label Studio.
// Both wait out 10 s syncs: side by side.
describe.concurrent('ETA-driven polling', () => {
  const env = simulatedLabelStudioPerFile();
  const DEFAULT_POLL: SyncPolicy = { poll: { initial: '2s', coefficient: 1.5, max: '15s' } };

  it('places the checks before the end by the sync\'s progress rate, for a first-ever sync', async () => {
    const id = env.sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', queuedMs: 100, runMs: 10_000, count: 1_000 }] });
    const report = await runSync(env.t.client, env.t.taskQueue, 'gcs_sa', id, DEFAULT_POLL);
    const eta = report.attempts[0]!.eta!;
    expect(eta).toMatchObject({ basis: 'progress', missed: false, actualEnd: expect.any(String), expectedEnd: expect.any(String) });
    expect(eta.checksBy.progress).toBeGreaterThanOrEqual(1);
    expect(eta.checksBy['previous-duration']).toBe(0); // nothing before it to go by
    expect(eta.offByMs).toEqual(expect.any(Number));
  });

  it('goes by the previous sync\'s duration (read before the trigger) when the sync reports no progress', async () => {
    const previous = { status: 'completed', meta: { attempts: 1, time_completed: '2026-11-27 10:00:30+00:00', duration: 30 } };
    const id = env.sim.addStorage({
      type: 'gcs_sa',
      project: 1,
      fields: previous,
      script: [{ status: 'completed', queuedMs: 100, runMs: 10_000, count: 0 }],
    });
    const report = await runSync(env.t.client, env.t.taskQueue, 'gcs_sa', id, DEFAULT_POLL);
    const eta = report.attempts[0]!.eta!;
    expect(eta.basis).toBe('previous-duration');
    expect(eta.checksBy.progress).toBe(0);
    // The end it expected: this sync's start in Label Studio plus the previous sync's 30 s.
    const meta = env.sim.storage('gcs_sa', id)['meta'] as { time_in_progress: string };
    // (to the millisecond: the report's times are ISO strings, Label Studio's have microseconds)
    expect(Date.parse(eta.expectedEnd!) - parseLabelStudioTime(meta.time_in_progress)!).toBeCloseTo(30_000, -1);
  });
});

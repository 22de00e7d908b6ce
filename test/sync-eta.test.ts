import { describe, expect, it } from 'vitest';
import type { StorageSnapshot } from '../src/activities/types';
import {
  CHECK_FLOOR_MS,
  OVERDUE_GRACE_MS,
  estimateEnd,
  etaReport,
  initialEtaState,
  nextCheck,
  parseLabelStudioTime,
  type EtaState,
  type Estimate,
} from '../src/activities/sync-eta';

const T0 = Date.parse('2026-11-27T12:00:00Z');
const POLL = { initialMs: 2_000, coefficient: 1.5, maxMs: 15_000 };

/** meta times as Label Studio writes them: str(timezone.now()). */
function lsTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '+00:00');
}

function running(over: Partial<StorageSnapshot> = {}): StorageSnapshot {
  return {
    status: 'in_progress', attempts: 2, project: 1, title: null, synchronizable: true, lastSync: null,
    lastSyncCount: null, lastSyncJob: null, timeQueued: lsTime(T0 - 1_000), timeInProgress: lsTime(T0),
    timeLastPing: lsTime(T0), timeCompleted: null, timeFailure: null, duration: null, totalAnnotations: null,
    traceback: null, ...over,
  };
}

describe('estimateEnd', () => {
  it('extrapolates the progress rate from time_in_progress to the last ping', () => {
    const s = running({ lastSyncCount: 250, totalAnnotations: 1_000, timeLastPing: lsTime(T0 + 60_000) });
    expect(estimateEnd(s, 999_000)).toEqual({ basis: 'progress', end: T0 + 240_000 });
  });

  it('uses the previous duration while progress is too little to measure, and before any ping', () => {
    const early = running({ lastSyncCount: 5, totalAnnotations: 1_000, timeLastPing: lsTime(T0 + 5_000) });
    expect(estimateEnd(early, 300_000)).toEqual({ basis: 'previous-duration', end: T0 + 300_000 });
    expect(estimateEnd(running(), 300_000)).toEqual({ basis: 'previous-duration', end: T0 + 300_000 });
  });

  it('has nothing to go on for a first-ever sync before progress, or while queued', () => {
    expect(estimateEnd(running(), null)).toBeNull();
    expect(estimateEnd(running({ status: 'queued', timeInProgress: null }), 300_000)).toBeNull();
  });

  it('reads Label Studio times with microseconds, with or without the fraction, and ISO 8601', () => {
    expect(parseLabelStudioTime('2026-11-27 12:00:01.250000+00:00')).toBe(T0 + 1_250);
    expect(parseLabelStudioTime('2026-11-27 12:00:01+00:00')).toBe(T0 + 1_000);
    expect(parseLabelStudioTime('2026-11-27T12:00:01.250000Z')).toBe(T0 + 1_250);
    expect(parseLabelStudioTime('yesterday')).toBeNull();
    expect(parseLabelStudioTime(null)).toBeNull();
  });
});

describe('nextCheck', () => {
  const at = (end: number): Estimate => ({ basis: 'progress', end });

  it('waits the cap while the end is far, then halves the time left down to the floor', () => {
    let state = initialEtaState();
    let now = T0;
    const end = T0 + 60_000;
    const delays: number[] = [];
    while (now < end) {
      const check = nextCheck(state, at(end), now, POLL);
      delays.push(check.delayMs);
      state = check.state;
      now += check.delayMs;
    }
    expect(delays).toEqual([15_000, 15_000, 15_000, 7_500, 3_750, 1_875, 1_000, 1_000]);
    expect(now - end).toBeLessThanOrEqual(CHECK_FLOOR_MS);
    expect(state.checksBy).toEqual({ progress: 8, 'previous-duration': 0, backoff: 0 });
  });

  it('never waits longer than the cap, nor less than the floor (or the cap, if that is lower)', () => {
    expect(nextCheck(initialEtaState(), at(T0 + 3_600_000), T0, POLL).delayMs).toBe(15_000);
    expect(nextCheck(initialEtaState(), at(T0 + 100), T0, POLL).delayMs).toBe(CHECK_FLOOR_MS);
    expect(nextCheck(initialEtaState(), at(T0 + 100), T0, { ...POLL, maxMs: 300 }).delayMs).toBe(300);
  });

  it('keeps checking at the floor just past the expected end, then falls back to the backoff', () => {
    const end = T0;
    const within = nextCheck(initialEtaState(), at(end), end + OVERDUE_GRACE_MS - 1, POLL);
    expect(within.delayMs).toBe(CHECK_FLOOR_MS);
    expect(within.state.missed).toBe(false);
    const past = nextCheck(within.state, at(end), end + OVERDUE_GRACE_MS, POLL);
    expect(past.delayMs).toBe(2_000);
    expect(past.state).toMatchObject({ missed: true, estimate: null, backoffSteps: 1 });
    expect(nextCheck(past.state, at(end), end + 60_000, POLL).delayMs).toBe(3_000);
  });

  it('is today\'s backoff with nothing to go on', () => {
    let state: EtaState = initialEtaState();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const check = nextCheck(state, null, T0, POLL);
      delays.push(check.delayMs);
      state = check.state;
    }
    expect(delays).toEqual([2_000, 3_000, 4_500, 6_750, 10_125, 15_000, 15_000, 15_000]);
    expect(state.missed).toBe(false);
    expect(state.checksBy.backoff).toBe(8);
  });
});

describe('etaReport', () => {
  it('says which estimate placed the last check and how far off it was', () => {
    const state = nextCheck(initialEtaState(), { basis: 'previous-duration', end: T0 + 300_000 }, T0 + 290_000, POLL).state;
    const ended = running({ status: 'completed', timeCompleted: lsTime(T0 + 312_500) });
    expect(etaReport(state, ended)).toEqual({
      basis: 'previous-duration',
      expectedEnd: new Date(T0 + 300_000).toISOString(),
      actualEnd: new Date(T0 + 312_500).toISOString(),
      offByMs: 12_500,
      missed: false,
      checksBy: { progress: 0, 'previous-duration': 1, backoff: 0 },
    });
  });

  it('has no expected end under the backoff', () => {
    const state = nextCheck(initialEtaState(), null, T0, POLL).state;
    expect(etaReport(state, running({ status: 'failed', timeFailure: lsTime(T0) }))).toMatchObject({
      basis: 'backoff', expectedEnd: null, offByMs: null, actualEnd: new Date(T0).toISOString(),
    });
  });
});

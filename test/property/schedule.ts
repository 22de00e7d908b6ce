// Generated fault schedules for the exactly-once property: what one storage's Label Studio does
// with its syncs, the sync policy, and the fault each POST and each GET to it meets, in order.
import fc from 'fast-check';
import type { Fault, SyncOutcome } from '../../src/simulator';

/**
 * The worker's Label Studio response timeout in these runs. Short, so the waits it sizes (a POST
 * without answer is waited out for twice this) cost well under a second. Fault times are drawn
 * relative to it.
 */
export const RESPONSE_TIMEOUT_MS = 400;

/** One request's fate: `pass` lets it through untouched. */
export type Step = 'pass' | Fault;

export interface Schedule {
  /** The storage's syncs in Label Studio, one per sync started; the last repeats. */
  script: SyncOutcome[];
  policy: { maxAttempts: number; onCompletedWithErrors: 'fail' | 'warn' | 'retry' };
  /** For the storage's sync POSTs, in order. */
  post: Step[];
  /** For the storage's GETs (reads, landing checks and polls), in order. */
  get: Step[];
  /** Tries of the trigger (1-based, counted over the whole workflow) whose worker dies once its POST has left. */
  crashes: number[];
  /** Synced through a connection with a request budget: trigger and poll are two activities on its queue. */
  budgeted: boolean;
}

const gatewayStatus = fc.constantFrom<502 | 503 | 504>(502, 503, 504);

const past = (lo: number, hi: number) => fc.integer({ min: Math.round(lo * RESPONSE_TIMEOUT_MS), max: Math.round(hi * RESPONSE_TIMEOUT_MS) });

/** The fault kinds drawn, by name, so a bench can count them. */
export const FAULTS = {
  'ls-500': fc.constant<Fault>({ kind: 'status', status: 500 }),
  'gateway-page': fc.constantFrom<Fault>({ kind: 'status', status: 502 }, { kind: 'status', status: 503 }, { kind: 'status', status: 504 }),
  'throttled-429': fc.constantFrom<Fault>({ kind: 'status', status: 429, retryAfter: '1' }, { kind: 'status', status: 429, retryAfter: '2' }),
  'reset-before': fc.constant<Fault>({ kind: 'reset' }),
  'reset-after': fc.constant<Fault>({ kind: 'lose-response' }),
  'late-answer': past(1.1, 1.5).map((ms): Fault => ({ kind: 'delay', ms })),
  'held-request': past(0.2, 1.5).map((ms): Fault => ({ kind: 'hold', ms })),
  'ls-500-after-run': fc.constant<Fault>({ kind: 'error-after-run', status: 500 }),
  'gateway-page-after-run': fc.constantFrom<Fault>({ kind: 'error-after-run', status: 502 }, { kind: 'error-after-run', status: 503 }, { kind: 'error-after-run', status: 504 }),
  'gateway-never-reached': fc.record({ status: gatewayStatus, answerAfterMs: past(0, 0.9) }).map((g): Fault => ({ kind: 'gateway', ...g })),
  'gateway-reached-before-answer': past(0.1, 0.9).chain((answerAfterMs) =>
    fc.record({ status: gatewayStatus, reachAfterMs: fc.integer({ min: 0, max: answerAfterMs }) }).map((g): Fault => ({ kind: 'gateway', answerAfterMs, ...g })),
  ),
  // Label Studio registers the sync after the gateway gave up; within the 2 × response timeout a POST is waited out for.
  'gateway-reached-after-answer': past(0, 0.9).chain((answerAfterMs) =>
    fc.record({ status: gatewayStatus, reachAfterMs: fc.integer({ min: answerAfterMs + 1, max: Math.round(1.5 * RESPONSE_TIMEOUT_MS) }) }).map((g): Fault => ({ kind: 'gateway', answerAfterMs, ...g })),
  ),
  'truncated-2xx': fc.constant<Fault>({ kind: 'truncate-response' }),
  'garbled-2xx': fc.constant<Fault>({ kind: 'garble-response' }),
} as const satisfies Record<string, fc.Arbitrary<Fault>>;

export type FaultName = keyof typeof FAULTS;

/** The name a fault was drawn under (for counting). */
export function faultName(fault: Fault): FaultName {
  switch (fault.kind) {
    case 'status':
      return fault.status === 500 ? 'ls-500' : fault.status === 429 ? 'throttled-429' : 'gateway-page';
    case 'reset':
      return 'reset-before';
    case 'lose-response':
      return 'reset-after';
    case 'delay':
      return 'late-answer';
    case 'hold':
      return 'held-request';
    case 'error-after-run':
      return fault.status === 500 ? 'ls-500-after-run' : 'gateway-page-after-run';
    case 'gateway':
      if (fault.reachAfterMs === undefined) return 'gateway-never-reached';
      return fault.reachAfterMs <= fault.answerAfterMs ? 'gateway-reached-before-answer' : 'gateway-reached-after-answer';
    case 'truncate-response':
      return 'truncated-2xx';
    case 'garble-response':
      return 'garbled-2xx';
  }
}

const fault: fc.Arbitrary<Fault> = fc.oneof(...Object.values(FAULTS));

/** Mostly faults: a pass now and then lets a later request of the same kind be the one that is hit. */
const step: fc.Arbitrary<Step> = fc.oneof({ arbitrary: fault, weight: 3 }, { arbitrary: fc.constant<Step>('pass'), weight: 1 });

const sync: fc.Arbitrary<SyncOutcome> = fc.record({
  status: fc.constantFrom<'completed' | 'failed' | 'completed_with_errors'>('completed', 'failed', 'completed_with_errors'),
  queuedMs: fc.integer({ min: 0, max: 300 }),
  runMs: fc.integer({ min: 50, max: 1_500 }),
});

export const schedule: fc.Arbitrary<Schedule> = fc.record({
  script: fc.array(sync, { minLength: 1, maxLength: 3 }),
  policy: fc.record({ maxAttempts: fc.integer({ min: 1, max: 3 }), onCompletedWithErrors: fc.constantFrom<'fail' | 'warn' | 'retry'>('fail', 'warn', 'retry') }),
  post: fc.array(step, { maxLength: 4 }),
  get: fc.array(step, { maxLength: 4 }),
  // A crash costs the heartbeat timeout (10 s): one schedule in about eight gets one.
  crashes: fc.oneof({ arbitrary: fc.constant<number[]>([]), weight: 7 }, { arbitrary: fc.integer({ min: 1, max: 4 }).map((n) => [n]), weight: 1 }),
  budgeted: fc.boolean(),
});

/**
 * Batches of `size` schedules, run at once. A failing batch shrinks like any array (fewer
 * schedules, then each one simpler), down to the one schedule that fails; generation always
 * makes full batches, so a run of k batches covers k × size schedules.
 */
export function batches(size: number): fc.Arbitrary<Schedule[]> {
  return new FullBatches(fc.array(schedule, { minLength: size, maxLength: size }), fc.array(schedule, { minLength: 1, maxLength: size }));
}

class FullBatches extends fc.Arbitrary<Schedule[]> {
  constructor(
    private readonly full: fc.Arbitrary<Schedule[]>,
    private readonly any: fc.Arbitrary<Schedule[]>,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<Schedule[]> {
    return this.full.generate(mrng, biasFactor);
  }

  canShrinkWithoutContext(value: unknown): value is Schedule[] {
    return this.any.canShrinkWithoutContext(value);
  }

  // Both are arrays of the same element arbitrary: their shrink contexts are the same shape.
  shrink(value: Schedule[], context: unknown): fc.Stream<fc.Value<Schedule[]>> {
    return this.any.shrink(value, context);
  }
}

// "A worker killed mid-call", emulated in process: a trigger's try (triggerSync's, or
// triggerAndAwaitSync's before its trigger had a result) dies once its POST has reached Label Studio. A real SIGKILL is covered by the chaos bench (bench/chaos); this costs no
// process restart, so hundreds of schedules can have one.
//
// Why it is faithful: what the workflow and the next try can observe of a killed worker is
//  - the heartbeats it sent before dying (here: the SDK keeps what was handed to it; the real
//    code's "POST in flight" heartbeat is recorded before the POST leaves),
//  - no heartbeat after the death, no result and no failure: the server ends the try by its
//    heartbeat timeout, and the retry (or the workflow, after the last try) sees a TimeoutFailure,
//  - Label Studio got the POST, and runs it or not by its own rules, whatever became of the client.
// The interceptor gives all three: from the moment the POST reaches the simulator it drops the
// try's heartbeats and never completes the try (it gives up on it well after the heartbeat timeout
// so the worker can shut down; the server has closed the try by then and ignores the answer). The
// try's code itself runs on detached, as a dead worker's would not: it may still read the storage
// while settling, which only spends GET faults meant for later requests; its answer is never used.
import { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import type { LabelStudioSimulator } from '../../src/simulator';
import type { TriggerAndAwaitHeartbeat, TriggerSyncInput } from '../../src/activities';

export class WorkerCrashes {
  /** Per storage id: the trigger tries to kill, and how many tries have started. */
  private readonly plans = new Map<number, { crashes: Set<number>; tries: number }>();
  private readonly hanging = new Set<() => void>();
  /** Tries that died. */
  crashed = 0;

  constructor(private readonly sim: LabelStudioSimulator) {}

  /** Kills these trigger tries (1-based, counted over the storage's workflow) once their POST has left. */
  plan(storageId: number, crashes: number[]): void {
    this.plans.set(storageId, { crashes: new Set(crashes), tries: 0 });
  }

  /** Ends the dead tries still held (the server timed them out long ago). */
  release(): void {
    this.hanging.forEach((end) => end());
  }

  readonly interceptor: ActivityInterceptorsFactory = (ctx) => ({
    inbound: { execute: (input, next) => this.execute(ctx, input, next) } satisfies ActivityInboundCallsInterceptor,
  });

  private async execute(ctx: Context, input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    if (!isTriggerTry(ctx)) return next(input);
    const { ref } = input.args[0] as TriggerSyncInput;
    const plan = this.plans.get(ref.id);
    if (!plan) return next(input);
    plan.tries += 1;
    if (!plan.crashes.has(plan.tries)) return next(input);

    const path = `/api/storages/export/${ref.type}/${ref.id}/sync`;
    const from = this.sim.requests.length;
    const posted = () => this.sim.requests.slice(from).some((r) => r.method === 'POST' && r.path === path);
    const running = next(input);
    const ended = running.then(
      () => 'ended' as const,
      () => 'ended' as const,
    );
    while (!posted()) {
      // Ended without a POST of its own (an earlier one had landed): nothing to die in the middle of.
      if ((await Promise.race([ended, sleep(5)])) === 'ended' && !posted()) return running;
    }
    this.crashed += 1;
    Object.defineProperty(ctx, 'heartbeat', { value: () => undefined });
    return new Promise((_, reject) => {
      const end = () => {
        clearTimeout(timer);
        this.hanging.delete(end);
        reject(new Error('the worker of this try was killed'));
      };
      const timer = setTimeout(end, 3 * (ctx.info.heartbeatTimeoutMs ?? 10_000));
      this.hanging.add(end);
    });
  }
}

/** A try that may post: triggerSync's, or triggerAndAwaitSync's while its heartbeat holds no trigger result. */
function isTriggerTry(ctx: Context): boolean {
  const { activityType, heartbeatDetails } = ctx.info;
  if (activityType === 'triggerSync') return true;
  return activityType === 'triggerAndAwaitSync' && (heartbeatDetails as TriggerAndAwaitHeartbeat | undefined)?.triggered === undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

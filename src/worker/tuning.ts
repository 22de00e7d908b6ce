import type { WorkerOptions } from '@temporalio/worker';
import { envMilliseconds } from '../config/label-studio-connections';

/**
 * Slot defaults for a worker that holds thousands of syncs at once (bench/scale-bench.ts). A sync's
 * tasks are tiny: a few workflow tasks and one short GET per check, so more slots than the SDK's
 * (checks wait on the network, not the CPU) and a bounded workflow cache (an evicted sync replays
 * its short history). Pollers stay at the SDK's defaults: each costs memory, and more of them on
 * the shared queue (tried: 20 workflow and 20 activity pollers, half on the shared queue) raised
 * the peak RSS at 1,000 syncs from about 380 MiB to 520-580 MiB (npm run bench:rss).
 * A killed worker's cached syncs go to another worker after 3 s instead of the SDK's 10 s: a crash
 * should cost seconds, and a replay of a short history is cheap.
 */
export const SYNC_WORKER_TUNING = {
  maxConcurrentWorkflowTaskExecutions: 100,
  maxConcurrentActivityTaskExecutions: 200,
  maxCachedWorkflows: 1_000,
  stickyQueueScheduleToStartTimeout: 3_000,
} as const satisfies Partial<WorkerOptions>;

/**
 * The worker process's tuning from the environment: LST_STICKY_SCHEDULE_TO_START_TIMEOUT_MS sets how long
 * a sync's workflow task waits for its worker before another may take it (unset: SYNC_WORKER_TUNING's).
 */
export function workerTuningFromEnv(env: NodeJS.ProcessEnv): Pick<WorkerOptions, 'stickyQueueScheduleToStartTimeout'> {
  return { stickyQueueScheduleToStartTimeout: envMilliseconds(env, 'LST_STICKY_SCHEDULE_TO_START_TIMEOUT_MS', SYNC_WORKER_TUNING.stickyQueueScheduleToStartTimeout, 600_000) };
}

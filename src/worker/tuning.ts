import type { WorkerOptions } from '@temporalio/worker';

/**
 * Poller and slot defaults for a worker that holds thousands of syncs at once (bench/scale-bench.ts).
 * A sync's tasks are tiny: a few workflow tasks and one short GET per check. Under a backlog the SDK
 * defaults (10 pollers, 2 of them on the shared queue) leave checks and new syncs waiting on the server,
 * so: more pollers, half of them on the shared queue where a new sync's first task waits, more activity
 * slots (checks wait on the network, not the CPU), and a bounded workflow cache (memory stays flat; an
 * evicted sync replays its short history). A killed worker's cached syncs go to another worker after
 * 3 s instead of the SDK's 10 s: a crash should cost seconds, and a replay of a short history is cheap.
 */
export const SYNC_WORKER_TUNING = {
  maxConcurrentWorkflowTaskExecutions: 100,
  maxConcurrentWorkflowTaskPolls: 20,
  nonStickyToStickyPollRatio: 1,
  maxConcurrentActivityTaskExecutions: 200,
  maxConcurrentActivityTaskPolls: 20,
  maxCachedWorkflows: 1_000,
  stickyQueueScheduleToStartTimeout: '3s',
} as const satisfies Partial<WorkerOptions>;

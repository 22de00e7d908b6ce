import { Context } from '@temporalio/activity';

/**
 * Runs a Label Studio call while heartbeating `details`, so a worker that dies mid-call is noticed
 * within the heartbeat timeout instead of the start-to-close one. Without a heartbeat timeout
 * (workflows started before there was one) it just runs the call.
 */
export async function heartbeatWhile<T>(call: () => Promise<T>, details?: unknown): Promise<T> {
  const ctx = Context.current();
  const timeoutMs = ctx.info.heartbeatTimeoutMs;
  if (!timeoutMs) return call();
  // A third of the timeout: one late or throttled beat still leaves room for the next.
  const timer = setInterval(() => ctx.heartbeat(details), Math.max(1_000, timeoutMs / 3));
  try {
    return await call();
  } finally {
    clearInterval(timer);
  }
}

/** Waits until `untilMs` (epoch) while heartbeating; ends early when the activity is cancelled. */
export async function waitHeartbeating(untilMs: number, details?: unknown): Promise<void> {
  const ms = untilMs - Date.now();
  if (ms > 0) await heartbeatWhile(() => Context.current().sleep(ms), details);
}

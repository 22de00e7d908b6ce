import type { QueryDefinition, WorkflowHandle } from '@temporalio/client';

/** Bounds how long stopping may wait: a query to a workflow no worker serves hangs otherwise. */
const QUERY_DEADLINE_MS = 10_000;

/** Stops following; resolves once no query is in flight, so the connection may then be closed. */
export type StopFollowing = () => Promise<void>;

/**
 * Queries the workflow every intervalMs and writes a line when its description changes.
 * Stopping waits for the query in flight: the client retries a query from a timer, and a retry
 * that finds the connection closed throws outside any promise, which kills the CLI.
 */
export function followQuery<T>(
  handle: WorkflowHandle,
  query: QueryDefinition<T>,
  describe: (state: T) => string,
  write: (line: string) => void,
  intervalMs = 1000,
): StopFollowing {
  let last = '';
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const tick = async () => {
    const deadline = Date.now() + QUERY_DEADLINE_MS;
    const state = await handle.client.connection.withDeadline(deadline, () => handle.query(query)).catch(() => undefined);
    if (stopped) return;
    if (state !== undefined) {
      const line = describe(state);
      if (line !== last) write(line);
      last = line;
    }
    timer = setTimeout(run, intervalMs);
  };
  const run = () => {
    inFlight = tick();
  };
  let timer = setTimeout(run, 0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await inFlight;
  };
}

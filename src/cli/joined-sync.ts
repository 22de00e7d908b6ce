import type { StartedSync } from '../client/sync-client';
import { assertWorkerPolls } from './temporal-checks';
import type { TemporalSession } from './temporal-session';

/**
 * A storage's sync workflow id is the storage's own, so a run may join a sync started elsewhere (a
 * schedule, a webhook, another CLI run) on another task queue: its workers, with their Label Studio
 * settings, run it, not this process's. Says so, and fails fast (NoWorkerError) when nothing polls
 * that queue any more (a CLI run that was killed), instead of waiting for a workflow nobody runs.
 */
export async function checkJoinedSync(session: TemporalSession, started: StartedSync, log: (line: string) => void): Promise<void> {
  if (!started.joined) return;
  const { taskQueue } = await started.handle.describe();
  if (taskQueue === session.taskQueue) return;
  log(`${started.workflowId} was started elsewhere and runs on task queue ${taskQueue}: waiting for its result (a signal stops waiting and leaves it running)`);
  await assertWorkerPolls(session.client, session.namespace, taskQueue);
}

import { activityInfo, heartbeat } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FailureType } from '../failure-types';
import type { LabelStudioClient } from '../labelstudio/client';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { checkSyncEnd } from './await-sync-end';
import { resolveClient } from './resolve-client';
import { NO_POST_IN_FLIGHT, triggerOnce, type PostInFlight } from './trigger-sync';
import type { PollHeartbeat, TriggerAndAwaitHeartbeat, TriggerAndAwaitInput, TriggerAndAwaitResult, TriggerSyncResult } from './types';

/**
 * A first-try sync's trigger and its poll in one activity: one activity task and one workflow task
 * fewer than triggerSync then awaitSyncEnd, six history events fewer. Its tries are first the
 * trigger's (exactly once as triggerSync's, the POST's send time in the heartbeat), then the poll's
 * checks (as awaitSyncEnd's). The heartbeat says which: once the trigger has a result it is heartbeated
 * before the first check, so a retry never triggers again; it also rides in every failure after it.
 */
export function createTriggerAndAwaitSync(registry: LabelStudioClientRegistry, now: () => number = Date.now) {
  return async function triggerAndAwaitSync(input: TriggerAndAwaitInput): Promise<TriggerAndAwaitResult> {
    const client = resolveClient(registry, input.ref.connection);
    const previous = activityInfo().heartbeatDetails as TriggerAndAwaitHeartbeat | undefined;
    const triggered = previous?.triggered ?? (await trigger(client, input, previous));
    const beat = (poll: object | undefined): TriggerAndAwaitHeartbeat => ({ ...poll, triggered });
    if (!previous?.triggered) heartbeat(beat(undefined));
    try {
      const end = await checkSyncEnd(client, { ...input, syncAttempt: triggered.syncAttempt }, previous?.triggered ? (previous as PollHeartbeat) : undefined, now, beat);
      return { triggered, end };
    } catch (err) {
      throw withTriggered(err, triggered);
    }
  };
}

/** Quick tries of the POST before the workflow reads whether one landed, as triggerSync's retry policy. */
const TRIGGER_TRIES = 5;
const TRIGGER_RETRY_MS = 1_000;
const TRIGGER_RETRY_MAX_MS = 4_000;

async function trigger(client: LabelStudioClient, input: TriggerAndAwaitInput, previous: TriggerAndAwaitHeartbeat | undefined): Promise<TriggerSyncResult> {
  const tries = (previous?.triggerTries ?? 0) + 1;
  const beat = (post: PostInFlight): TriggerAndAwaitHeartbeat => ({ triggerTries: tries, ...post });
  const earlier = tries > 1 ? { postSentAt: previous?.postSentAt ?? null } : undefined;
  heartbeat(beat(earlier ?? NO_POST_IN_FLIGHT)); // counts this try, even if its worker dies
  try {
    return await triggerOnce(client, input, earlier, beat);
  } catch (err) {
    throw triggerFailure(err, tries);
  }
}

/**
 * A try's failure in the retry policy's place: a permanent one ends the activity; a transient one is
 * retried after the trigger's backoff (or Retry-After), and the last try's is SyncTriggerGaveUp, for
 * the workflow to read whether a POST landed, as it does when triggerSync's retries run out.
 */
function triggerFailure(err: unknown, tries: number): unknown {
  if (err instanceof CancelledFailure || (err instanceof ApplicationFailure && err.nonRetryable)) return err;
  const failure = err instanceof ApplicationFailure ? err : undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (tries >= TRIGGER_TRIES) {
    return ApplicationFailure.create({ type: FailureType.SyncTriggerGaveUp, message, nonRetryable: true, details: failure?.details ?? [] });
  }
  return ApplicationFailure.create({
    type: failure?.type ?? undefined,
    message,
    details: failure?.details ?? [],
    nextRetryDelay: failure?.nextRetryDelay ?? Math.min(TRIGGER_RETRY_MAX_MS, TRIGGER_RETRY_MS * 2 ** (tries - 1)),
  });
}

/** The trigger's result as the last detail of a failure after it: the workflow's report names the sync however the poll ended. */
function withTriggered(err: unknown, triggered: TriggerSyncResult): unknown {
  if (!(err instanceof ApplicationFailure)) return err;
  return ApplicationFailure.create({
    type: err.type ?? undefined,
    message: err.message,
    nonRetryable: err.nonRetryable ?? undefined,
    category: err.category ?? undefined,
    details: [...(err.details ?? []), { triggered }],
    nextRetryDelay: err.nextRetryDelay,
  });
}

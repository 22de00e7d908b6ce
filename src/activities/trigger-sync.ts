import { activityInfo, Context, log } from '@temporalio/activity';
import type { LabelStudioClient } from '../labelstudio/client';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { LabelStudioError, requestFate } from '../labelstudio/errors';
import { heartbeatWhile, waitHeartbeating } from './heartbeat-while';
import { resolveClient } from './resolve-client';
import { toSnapshot } from './snapshot';
import { toActivityFailure } from './to-failure';
import type { StorageRef, TriggerSyncInput, TriggerSyncResult } from './types';

/**
 * Triggers one sync, exactly once across retries. Label Studio bumps meta.attempts whenever it
 * queues a sync, so a retry (after a lost answer, a timeout or a worker crash) first reads the
 * storage: a count above the baseline means the earlier POST landed and must not be repeated.
 * Only Label Studio's own refusal proves a POST did nothing. Its own JSON 5xx means it is done with
 * the POST, so one read tells whether a sync was queued before the error. Any other outcome (a
 * gateway's page, an answer that does not parse, no answer) may still land: the activity reads until
 * it lands or cannot any more. The POST's send time travels in the heartbeat details, so a retry
 * after a crash mid-POST waits too.
 */
export function createTriggerSync(registry: LabelStudioClientRegistry) {
  return async function triggerSync(input: TriggerSyncInput): Promise<TriggerSyncResult> {
    const client = resolveClient(registry, input.ref.connection);
    const { attempt, heartbeatDetails } = activityInfo();
    const earlier = attempt > 1 ? { postSentAt: (heartbeatDetails as PostInFlight | undefined)?.postSentAt ?? null } : undefined;
    return triggerOnce(client, input, earlier);
  };
}

/**
 * One try of a trigger. `earlier` is undefined on a first try and, on a retry, what the try before
 * heartbeated (its POST's send time, while that POST may still land). `beat` wraps what the try
 * heartbeats, for an activity that carries more in its heartbeat (triggerAndAwaitSync).
 */
export async function triggerOnce(
  client: LabelStudioClient,
  { ref, baselineAttempts }: TriggerSyncInput,
  earlier: PostInFlight | undefined,
  beat: (post: PostInFlight) => unknown = (post) => post,
): Promise<TriggerSyncResult> {
  if (earlier) {
    const landed = await landedSince(client, ref, baselineAttempts, earlier.postSentAt ? settledAt(client, earlier.postSentAt) : 0, beat(earlier));
    if (landed) return landed;
  }
  const inFlight = { postSentAt: Date.now() };
  // Recorded before the POST leaves: a worker that dies mid-call leaves it to the next try.
  Context.current().heartbeat(beat(inFlight));
  let answer;
  try {
    answer = await heartbeatWhile(() => client.triggerExportSync(ref.type, ref.id), beat(inFlight));
  } catch (err) {
    const fate = err instanceof LabelStudioError ? requestFate(err) : 'unknown';
    if (fate === 'refused') {
      clearPostInFlight(beat);
      throw toActivityFailure(err);
    }
    if (fate === 'finished') {
      clearPostInFlight(beat); // Label Studio is done with this POST: nothing of it is left on the way
      // A failed read leaves the look to the next try, which reads before it posts.
      const landed = await landedSince(client, ref, baselineAttempts, 0, beat(NO_POST_IN_FLIGHT)).catch(() => undefined);
      if (landed) return landed;
      throw toActivityFailure(err);
    }
    const landed = await landedSince(client, ref, baselineAttempts, settledAt(client, inFlight.postSentAt), beat(inFlight));
    if (landed) return landed;
    clearPostInFlight(beat);
    // The wait for the POST to land already spaced this try from the next one.
    throw toActivityFailure(err, AFTER_SETTLING_RETRY_MS);
  }
  const snapshot = toSnapshot(answer);
  log.info('sync triggered', { ...ref, status: snapshot.status, syncAttempt: snapshot.attempts });
  return { snapshot, posted: true, syncAttempt: Math.max(snapshot.attempts, baselineAttempts + 1) };
}

/** What a trigger heartbeats: when its POST left, while that POST may still be on the way. */
export interface PostInFlight {
  postSentAt: number | null;
}

/** Nothing of this try's POST is left on the way. */
export const NO_POST_IN_FLIGHT: PostInFlight = { postSentAt: null };

/** Failures flush the last heartbeat, so the next try knows it need not wait for this POST. */
function clearPostInFlight(beat: (post: PostInFlight) => unknown): void {
  Context.current().heartbeat(beat(NO_POST_IN_FLIGHT));
}

/** The retry of a POST that may have landed and provably did not: the backoff was the wait itself. */
const AFTER_SETTLING_RETRY_MS = 1_000;

/** While a POST may still land, the reads that look for it: soon after it, then spaced out up to this. */
const FIRST_LOOK_MS = 1_000;
const MAX_LOOK_INTERVAL_MS = 10_000;

/**
 * When a POST whose fate is unknown can no longer land: Label Studio registers a request it received
 * well within the response timeout, so twice that after sending is taken as "never arrived".
 */
function settledAt(client: LabelStudioClient, sentAt: number): number {
  return sentAt + 2 * client.responseTimeoutMs;
}

/**
 * Reads until meta.attempts shows the POST landed, or until `settled` (epoch ms) has passed without
 * it: only a read sent after `settled` proves it did not. Reads meanwhile join a landed sync early;
 * they are timed to end before `settled`, so the look ends within a read timeout after it. A read that
 * fails while the POST may still land does not end the activity: its retry would read again too soon
 * and could post a second time, so it looks again later.
 */
async function landedSince(client: LabelStudioClient, ref: StorageRef, baselineAttempts: number, settled: number, details: unknown): Promise<TriggerSyncResult | undefined> {
  let pause = FIRST_LOOK_MS;
  for (;;) {
    const settling = Date.now() < settled;
    const current = await heartbeatWhile(() => client.getExportStorage(ref.type, ref.id), details).then(toSnapshot, (err: unknown) => {
      if (settling) return undefined;
      throw toActivityFailure(err);
    });
    if (current && current.attempts > baselineAttempts) {
      log.info('earlier sync trigger had landed; not posting again', { ...ref, syncAttempt: current.attempts });
      return { snapshot: current, posted: false, syncAttempt: current.attempts };
    }
    if (!settling) return undefined;
    const next = Date.now() + pause;
    await waitHeartbeating(next + client.readTimeoutMs < settled ? next : settled, details);
    pause = Math.min(2 * pause, MAX_LOOK_INTERVAL_MS);
  }
}

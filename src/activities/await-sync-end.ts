import { activityInfo, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../failure-types';
import type { LabelStudioClient } from '../labelstudio/client';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { isTerminal } from '../labelstudio/storage-types';
import { healthChecked, isPingStale, noLaterThanStale, pingAgeMs } from './dead-job';
import { heartbeatWhile } from './heartbeat-while';
import { resolveClient } from './resolve-client';
import { toSnapshot } from './snapshot';
import { formatDuration, nextProgressMark } from './stall-tracker';
import { estimateEnd, etaReport, initialEtaState, nextCheck } from './sync-eta';
import { toActivityFailure } from './to-failure';
import { unreachableFailure, unreachableSince } from './unreachable';
import type { AwaitSyncEndInput, AwaitSyncEndResult, PollHeartbeat } from './types';

/**
 * Checks the storage once. While the sync runs it throws a benign, retryable failure, so the
 * activity's retries are the poll: history does not grow with the wait and no worker slot is held
 * between checks. Given the poll's backoff, it sets each delay itself (nextRetryDelay): by the sync's
 * expected end, just before and at it, or else by the backoff; without it, the retry policy's runs.
 * A running sync whose progress ping is past Label Studio's limit gets one more request, the storage
 * list, whose health check marks a dead job failed (see dead-job.ts).
 */
export function createAwaitSyncEnd(registry: LabelStudioClientRegistry, now: () => number = Date.now) {
  return async function awaitSyncEnd(input: AwaitSyncEndInput): Promise<AwaitSyncEndResult> {
    const client = resolveClient(registry, input.ref.connection);
    return checkSyncEnd(client, input, activityInfo().heartbeatDetails as PollHeartbeat | undefined, now);
  };
}

/**
 * One check. `previous`: what the check before heartbeated. `beat` wraps what this one heartbeats,
 * for an activity that carries more in its heartbeat (triggerAndAwaitSync).
 */
export async function checkSyncEnd(
  client: LabelStudioClient,
  input: AwaitSyncEndInput,
  previous: PollHeartbeat | undefined,
  now: () => number,
  beat: PollBeat = (poll) => poll,
): Promise<AwaitSyncEndResult> {
  const { ref, syncAttempt, stallTimeoutMs } = input;
  const read = await heartbeatWhile(() => client.readExportStorage(ref.type, ref.id), beat(previous)).catch((err: unknown) => {
    throw failedCheck(err, previous, input, now(), beat);
  });
  const detail = toSnapshot(read.storage);
  const pingAge = pingAgeMs(detail, read.serverTime);
  const snapshot = isPingStale(pingAge) ? await heartbeatWhile(() => healthChecked(client, ref, detail, pingAge), beat(previous)) : detail;
  const eta = previous?.eta ?? initialEtaState();
  // A terminal status left by an older sync does not count: wait until ours shows.
  if (isTerminal(snapshot.status) && snapshot.attempts >= syncAttempt) {
    const dead = snapshot !== detail && snapshot.status === 'failed' && pingAge !== null;
    return { ...snapshot, status: snapshot.status, ...(input.poll && { eta: etaReport(eta, snapshot) }), ...(dead && { deadForMs: pingAge }) };
  }

  const at = now();
  const mark = nextProgressMark(previous, snapshot, at);
  const still = at - mark.since;
  if (still >= stallTimeoutMs) {
    throw ApplicationFailure.create({
      type: FailureType.SyncStalled,
      nonRetryable: true,
      message:
        `sync of ${ref.type} storage ${ref.id} stalled: ${snapshot.status} with no progress for ${formatDuration(still)} ` +
        `(stall timeout ${formatDuration(stallTimeoutMs)}); Label Studio may have no worker for its queue`,
      details: [snapshot],
    });
  }
  const check = input.poll && nextCheck(eta, estimateEnd(snapshot, input.previousDurationMs ?? null), at, input.poll);
  // The snapshot rides along in both: when the overall timeout ends the poll, the workflow gets the
  // last failure or (while a try was running) the last heartbeat, and its report shows the last poll.
  heartbeat(beat({ fingerprint: mark.fingerprint, since: mark.since, snapshot, ...(check && { eta: check.state }) } satisfies PollHeartbeat)); // no failedChecks: the run of faults is over
  throw ApplicationFailure.create({
    type: FailureType.SyncStillRunning,
    message: `sync of ${ref.type} storage ${ref.id} is ${snapshot.status}`,
    category: 'BENIGN',
    details: [snapshot],
    ...(check && { nextRetryDelay: noLaterThanStale(check.delayMs, pingAge) }),
  });
}

/** Wraps what a check heartbeats (the poll's own details, partial before any answer). */
type PollBeat = (poll: Partial<PollHeartbeat> | undefined) => unknown;

/** The first retry of a check that got no answer, doubling with each one in a row, up to the poll cap. */
const FAILED_CHECK_RETRY_MS = 1_000;

/**
 * A check Label Studio did not answer says nothing about the sync, so it is retried after 1 s, 2 s,
 * 4 s… (or Retry-After) rather than after the poll's backoff, which may have reached its cap: a run
 * of faults would otherwise leave the sync's end unnoticed for a cap per fault. The count rides in the
 * heartbeat, which a failure flushes.
 */
function failedCheck(err: unknown, previous: PollHeartbeat | undefined, input: AwaitSyncEndInput, at: number, beat: PollBeat): unknown {
  const failedChecks = (previous?.failedChecks ?? 0) + 1;
  const since = input.unreachableTimeoutMs === undefined ? undefined : unreachableSince(err, previous?.unreachableSince, at);
  heartbeat(beat({ ...previous, failedChecks, unreachableSince: since })); // before any answer, no progress mark yet
  const delayMs = FAILED_CHECK_RETRY_MS * 2 ** (failedChecks - 1);
  const pollMaxMs = input.poll?.maxMs;
  return unreachableFailure(err, since, at, input.unreachableTimeoutMs) ?? toActivityFailure(err, pollMaxMs === undefined ? undefined : Math.min(delayMs, pollMaxMs));
}

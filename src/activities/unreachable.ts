// policy.unreachableTimeout: fail fast once Label Studio has not answered at all (refused, reset, DNS,
// timeouts; a 5xx is an answer) for that long. An activity's tries carry since when in their heartbeat
// details, which Temporal hands to the next try; a try that got an answer clears it.
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../failure-types';
import { LabelStudioError } from '../labelstudio/errors';
import { formatDuration } from './stall-tracker';

/** Heartbeat details of a read retried while Label Studio does not answer. */
export interface UnreachableMark {
  /** Epoch ms of the first try in a row that got no answer. */
  unreachableSince?: number;
}

/** When this run of unanswered tries began; undefined when this error is an answer (or not Label Studio's). */
export function unreachableSince(err: unknown, previous: number | undefined, now: number): number | undefined {
  const unanswered = err instanceof LabelStudioError && (err.kind === 'connection' || err.kind === 'timeout');
  return unanswered ? (previous ?? now) : undefined;
}

/** The non-retryable failure that ends the sync once the run of unanswered tries reached `limitMs`; undefined before. */
export function unreachableFailure(err: unknown, since: number | undefined, now: number, limitMs: number | undefined): ApplicationFailure | undefined {
  if (limitMs === undefined || since === undefined || now - since < limitMs) return undefined;
  return ApplicationFailure.create({
    type: FailureType.LabelStudioUnreachable,
    nonRetryable: true,
    message: `${(err as Error).message}; Label Studio has not answered for ${formatDuration(now - since)} (unreachableTimeout ${formatDuration(limitMs)})`,
    details: [{ unreachableSince: new Date(since).toISOString(), unreachableTimeoutMs: limitMs }],
  });
}

import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../failure-types';
import { LabelStudioError } from '../labelstudio/errors';

/**
 * Turns a Label Studio error into the failure Temporal acts on: permanent ones stop the retries,
 * transient ones retry, after Retry-After when the server gave one (or after `retryDelayMs`, when
 * the caller already waited and the retry policy's backoff would only add to it).
 */
export function toActivityFailure(err: unknown, retryDelayMs?: number): unknown {
  if (!(err instanceof LabelStudioError)) return err;
  return ApplicationFailure.create({
    message: err.message,
    type: `${FailureType.LabelStudio}.${err.kind}`,
    nonRetryable: err.permanent,
    details: [{ kind: err.kind, httpStatus: err.httpStatus ?? null, detail: err.detail ?? null }],
    nextRetryDelay: err.retryAfterMs ?? retryDelayMs,
  });
}

/** Runs a Label Studio call and rethrows its error in Temporal's terms. */
export async function asActivity<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toActivityFailure(err);
  }
}

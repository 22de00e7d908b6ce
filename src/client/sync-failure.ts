import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { SyncReport } from '../workflows/sync-report';

/** A sync workflow that did not succeed, with its report (every attempt) when it got that far. */
export class SyncWorkflowError extends Error {
  override readonly name = 'SyncWorkflowError';
  constructor(
    message: string,
    /** The workflow's failure type (see FailureType), `Cancelled`, or undefined when unknown. */
    readonly failureType: string | undefined,
    readonly report: SyncReport | undefined,
    readonly workflowId: string,
  ) {
    super(message);
  }
}

/** Unwraps a WorkflowFailedError into the failure the workflow raised and the report it carried. */
export function toSyncWorkflowError(err: unknown, workflowId: string): unknown {
  if (!(err instanceof WorkflowFailedError)) return err;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    return new SyncWorkflowError(cause.message, cause.type ?? undefined, cause.details?.[0] as SyncReport | undefined, workflowId);
  }
  if (cause instanceof CancelledFailure) {
    return new SyncWorkflowError(cause.message, 'Cancelled', cause.details?.[0] as SyncReport | undefined, workflowId);
  }
  return new SyncWorkflowError(cause?.message ?? err.message, undefined, undefined, workflowId);
}

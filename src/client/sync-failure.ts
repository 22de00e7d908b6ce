import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CANCELLATION_REPORT_MEMO, type SyncReport } from '../workflows/sync-report';

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

/**
 * Unwraps a WorkflowFailedError into the failure the workflow raised and the report it carried:
 * in the failure's details, or for a cancelled sync in the workflow's memo.
 */
export async function toSyncWorkflowError(err: unknown, handle: WorkflowHandle): Promise<unknown> {
  if (!(err instanceof WorkflowFailedError)) return err;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    return new SyncWorkflowError(cause.message, cause.type ?? undefined, cause.details?.[0] as SyncReport | undefined, handle.workflowId);
  }
  if (cause instanceof CancelledFailure) {
    const memo = await handle.describe().then((d) => d.memo, () => undefined);
    const report = memo?.[CANCELLATION_REPORT_MEMO] as SyncReport | undefined;
    const message = ['sync workflow cancelled', ...(report?.warnings ?? [])].join('; ');
    return new SyncWorkflowError(message, 'Cancelled', report, handle.workflowId);
  }
  return new SyncWorkflowError(cause?.message ?? err.message, undefined, undefined, handle.workflowId);
}

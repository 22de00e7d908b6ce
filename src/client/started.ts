import type { Workflow, WorkflowHandle } from '@temporalio/client';

/** What startStorageSync and startProjectSync answer: the same shape for both. */
export interface Started<W extends Workflow> {
  handle: WorkflowHandle<W>;
  workflowId: string;
  /** true when a workflow with this id was already running and this call joined it (storage syncs only). */
  joined: boolean;
}

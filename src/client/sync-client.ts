import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../config/task-queue';
import { SEARCH_ATTRIBUTE_DEFINITIONS, STORAGE_KEY, SYNC_STATUS } from '../workflows/search-attributes';
import type { SyncExportStorageInput } from '../schema/sync-input';
import type { SyncReport } from '../workflows/sync-report';
import { storageKey, syncWorkflowId } from '../workflows/workflow-ids';
import type { syncExportStorage } from '../workflows/sync-export-storage';
import { checkPriorityKey, checkSyncInput } from './check-input';
import { SYNC_PRIORITY, taskPriority } from '../workflows/task-priority';
import type { Started } from './started';
import { toSyncWorkflowError } from './sync-failure';
import { inputCheckedMemo } from '../workflows/input-checked-memo';

export interface StartSyncOptions {
  taskQueue?: string;
  /** Tag the workflow with the LabelStudioStorage and LabelStudioSyncStatus search attributes; the server must know them. Default true. */
  searchAttributes?: boolean;
  /**
   * Temporal task priority of the sync and its activities, 1 (first) to 5 (last). Default 2: someone
   * waits for it, so it goes ahead of fan-out and scheduled syncs (4).
   */
  priority?: number;
}

export type StartedSync = Started<typeof syncExportStorage>;

/**
 * Starts the sync workflow of one storage, or joins the one already running for it: the workflow
 * id is the storage's, so two callers never start two syncs of the same storage.
 */
export async function startStorageSync(client: Client, input: SyncExportStorageInput, options: StartSyncOptions = {}): Promise<StartedSync> {
  const { connection, storageType, storageId } = checkSyncInput(input); // bad input fails here, before anything starts
  const workflowId = syncWorkflowId(connection, storageType, storageId);
  const priority = taskPriority(connection, checkPriorityKey(options.priority, SYNC_PRIORITY.interactive));
  try {
    const handle = await client.workflow.start<typeof syncExportStorage>('syncExportStorage', {
      workflowId,
      taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      priority,
      memo: inputCheckedMemo,
      // The status starts as `running` here, visible at once, instead of by an upsert in the workflow.
      typedSearchAttributes:
        options.searchAttributes === false
          ? undefined
          : [
              { key: STORAGE_KEY, value: storageKey(connection, storageType, storageId) },
              { key: SYNC_STATUS, value: 'running' },
            ],
    });
    return { handle, workflowId, joined: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw explainSearchAttributeError(err);
    return { handle: client.workflow.getHandle<typeof syncExportStorage>(workflowId), workflowId, joined: true };
  }
}

/** Starts (or joins) the sync and waits for its report; a failed sync throws SyncWorkflowError. */
export async function runStorageSync(client: Client, input: SyncExportStorageInput, options: StartSyncOptions = {}): Promise<SyncReport> {
  const { handle } = await startStorageSync(client, input, options);
  return awaitSyncReport(handle);
}

export async function awaitSyncReport(handle: WorkflowHandle<typeof syncExportStorage>): Promise<SyncReport> {
  try {
    return await handle.result();
  } catch (err) {
    throw await toSyncWorkflowError(err, handle);
  }
}

function explainSearchAttributeError(err: unknown): unknown {
  const message = (err as Error)?.message ?? '';
  if (!/search attribute/i.test(message)) return err;
  const create = Object.entries(SEARCH_ATTRIBUTE_DEFINITIONS).map(([name, type]) => `temporal operator search-attribute create --name ${name} --type ${type}`);
  return new Error(
    `${message}. Register this package's search attributes once per namespace: ${create.join(' && ')} ` +
      `(or start without them: searchAttributes: false / --no-search-attributes)`,
  );
}

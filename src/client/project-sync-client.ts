import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure, WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../config/task-queue';
import { projectKey } from '../workflows/project-ids';
import type { SyncProjectExportsInput } from '../schema/project-sync-input';
import type { ProjectSyncReport } from '../workflows/project-sync-report';
import { PROJECT_KEY } from '../workflows/search-attributes';
import { CANCELLATION_REPORT_MEMO } from '../workflows/sync-report';
import type { syncProjectExports } from '../workflows/sync-project-exports';
import { checkProjectSyncInput } from './check-input';
import type { Started } from './started';
import { inputCheckedMemo } from '../workflows/input-checked-memo';
import { SYNC_PRIORITY, taskPriority } from '../workflows/task-priority';

export type StartedProjectSync = Started<typeof syncProjectExports>;

export interface StartProjectSyncOptions {
  taskQueue?: string;
  /** Default: a fresh id under label-studio-project-sync/<connection>/<project>/. */
  workflowId?: string;
  /** Tag the fan-out and its storage syncs with the package's search attributes; default true. */
  searchAttributes?: boolean;
}

/** A fan-out that did not succeed, with its report (every storage's entry) when it got that far. */
export class ProjectSyncError extends Error {
  override readonly name = 'ProjectSyncError';
  constructor(
    message: string,
    readonly failureType: string | undefined,
    readonly report: ProjectSyncReport | undefined,
    readonly workflowId: string,
  ) {
    super(message);
  }
}

/**
 * Starts syncProjectExports; answers the same shape as startStorageSync. Each run gets its own id
 * (so `joined` is always false): the storages' own workflow ids are what keep two fan-outs of one
 * project from syncing a storage twice.
 */
export async function startProjectSync(client: Client, input: SyncProjectExportsInput, options: StartProjectSyncOptions = {}): Promise<StartedProjectSync> {
  const { connection, project } = checkProjectSyncInput(input); // bad input fails here, before anything starts
  const handle = await client.workflow.start<typeof syncProjectExports>('syncProjectExports', {
    workflowId: options.workflowId ?? `label-studio-project-sync/${connection}/${project}/${randomUUID()}`,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    args: [input],
    // The fan-out itself is light and someone waits for it; its storage syncs run at input.priority.
    priority: taskPriority(connection, SYNC_PRIORITY.interactive),
    memo: inputCheckedMemo,
    typedSearchAttributes: options.searchAttributes === false ? undefined : [{ key: PROJECT_KEY, value: projectKey(connection, project) }],
  });
  return { handle, workflowId: handle.workflowId, joined: false };
}

/** Starts the fan-out and waits for its report; a failed fan-out throws ProjectSyncError. */
export async function runProjectSync(client: Client, input: SyncProjectExportsInput, options: StartProjectSyncOptions = {}): Promise<ProjectSyncReport> {
  return awaitProjectSyncReport((await startProjectSync(client, input, options)).handle);
}

export async function awaitProjectSyncReport(handle: WorkflowHandle<typeof syncProjectExports>): Promise<ProjectSyncReport> {
  try {
    return await handle.result();
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const cause = err.cause;
    if (cause instanceof CancelledFailure) {
      const memo = await handle.describe().then((d) => d.memo, () => undefined);
      throw new ProjectSyncError('project sync cancelled', 'Cancelled', memo?.[CANCELLATION_REPORT_MEMO] as ProjectSyncReport | undefined, handle.workflowId);
    }
    const report = (cause instanceof ApplicationFailure ? cause.details?.[0] : undefined) as ProjectSyncReport | undefined;
    const type = cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
    throw new ProjectSyncError(cause?.message ?? err.message, type, report, handle.workflowId);
  }
}

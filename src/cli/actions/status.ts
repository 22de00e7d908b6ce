import type { WorkflowHandle } from '@temporalio/client';
import { awaitProjectSyncReport, ProjectSyncError } from '../../client/project-sync-client';
import { awaitSyncReport } from '../../client/sync-client';
import { SyncWorkflowError } from '../../client/sync-failure';
import { pipelineStateQuery } from '../../workflows/pipeline-types';
import { projectSyncStateQuery } from '../../workflows/project-sync-report';
import { syncStateQuery } from '../../workflows/sync-report';
import { exitOnBadInput } from '../bad-input';
import { encryptedPayloadsError } from '../encrypted-payloads';
import { exitCodeForError } from '../error-exit-code';
import { ExitCode, exitCodeForOutcome, type ExitCodeValue } from '../exit-codes';
import { formatProjectReport } from '../format-project-report';
import { formatReport } from '../format-report';
import { exitCodeForProjectReport } from '../project-exit-code';
import { withServer } from '../server-session';

/** What `status --json` prints. */
interface StatusView {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  taskQueue: string;
  startTime: string;
  closeTime: string | null;
  /** While it runs: the workflow's own state query. */
  state?: unknown;
  /** Once closed: the report (of a sync or a fan-out), also when it failed. */
  report?: unknown;
  error?: { message: string; failureType: string | null };
}

const STATE_QUERIES: Record<string, string> = {
  syncExportStorage: syncStateQuery.name,
  syncProjectExports: projectSyncStateQuery.name,
  annotationPipeline: pipelineStateQuery.name,
};

/** `status <workflow-id>`: prints the workflow's state or report; its exit code is the report's. */
export function showStatus(workflowId: string, o: { json?: boolean }): Promise<ExitCodeValue> {
  return exitOnBadInput(() =>
    withServer(async ({ client }) => {
      const handle = client.workflow.getHandle(workflowId);
      const d = await handle.describe();
      const view: StatusView = {
        workflowId,
        runId: d.runId,
        type: d.type,
        status: d.status.name,
        taskQueue: d.taskQueue,
        startTime: d.startTime.toISOString(),
        closeTime: d.closeTime?.toISOString() ?? null,
      };
      const [code, text] = d.status.name === 'RUNNING' ? await running(handle, view) : await closed(handle, view);
      process.stdout.write(o.json ? `${JSON.stringify(view, null, 2)}\n` : `${header(view)}${text ? `\n${text}` : ''}\n`);
      return code;
    }).catch((err: unknown) => {
      throw encryptedPayloadsError(err) ?? err;
    }),
  );
}

async function running(handle: WorkflowHandle, view: StatusView): Promise<[ExitCodeValue, string]> {
  const query = STATE_QUERIES[view.type];
  if (query) {
    view.state = await handle.query(query).catch((err: unknown) => {
      if (encryptedPayloadsError(err)) throw err;
      return undefined;
    });
  }
  return [ExitCode.Ok, view.state === undefined ? '' : JSON.stringify(view.state, null, 2)];
}

/** Reads the result (or the failure and the report it carries) through the same paths as sync and sync-project. */
async function closed(handle: WorkflowHandle, view: StatusView): Promise<[ExitCodeValue, string]> {
  try {
    if (view.type === 'syncExportStorage' || view.type === 'scheduledStorageSync') {
      const report = await awaitSyncReport(handle);
      view.report = report;
      return [exitCodeForOutcome(report.outcome), formatReport(report)];
    }
    if (view.type === 'syncProjectExports') {
      const report = await awaitProjectSyncReport(handle);
      view.report = report;
      return [exitCodeForProjectReport(report), formatProjectReport(report)];
    }
    await handle.result();
    return [ExitCode.Ok, ''];
  } catch (err) {
    if (encryptedPayloadsError(err)) throw err; // not the workflow's failure: this process lacks the key
    if (err instanceof SyncWorkflowError || err instanceof ProjectSyncError) {
      view.report = err.report;
      view.error = { message: err.message, failureType: err.failureType ?? null };
      const text = err.report ? (err instanceof ProjectSyncError ? formatProjectReport(err.report) : formatReport(err.report)) : `error: ${err.message}`;
      const code = err instanceof ProjectSyncError && err.report && err.failureType !== 'Cancelled' ? exitCodeForProjectReport(err.report) : exitCodeForError(asSyncError(err));
      return [code, text];
    }
    view.error = { message: (err as Error).message, failureType: null };
    return [view.status === 'CANCELED' ? ExitCode.Cancelled : ExitCode.SyncFailed, `error: ${(err as Error).message}`];
  }
}

function asSyncError(err: SyncWorkflowError | ProjectSyncError): SyncWorkflowError {
  return err instanceof SyncWorkflowError ? err : new SyncWorkflowError(err.message, err.failureType, undefined, err.workflowId);
}

function header(v: StatusView): string {
  return `${v.workflowId} (${v.type}, task queue ${v.taskQueue}): ${v.status.toLowerCase()}, started ${v.startTime}${v.closeTime ? `, closed ${v.closeTime}` : ''}`;
}

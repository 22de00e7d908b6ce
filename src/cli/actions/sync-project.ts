import { awaitProjectSyncReport, ProjectSyncError, startProjectSync } from '../../client/project-sync-client';
import { SyncWorkflowError } from '../../client/sync-failure';
import { checkProjectSyncInput } from '../../client/check-input';
import type { SyncProjectExportsInput } from '../../schema/project-sync-input';
import { cancelOnSignal, holdSignals, signalExitCode } from '../cancel-on-signal';
import type { SyncProjectOptions } from '../commands/sync-project';
import { policyFrom } from '../commands/policy-options';
import { projectFilterFrom } from '../commands/project-filter-options';
import { ExitCode } from '../exit-codes';
import { formatProjectReport } from '../format-project-report';
import { exitCodeForProjectReport } from '../project-exit-code';
import { followProjectProgress } from '../project-progress';
import { openTemporalSession } from '../temporal-session';

/** `sync-project <project>`: starts the fan-out workflow and follows it to its report. */
export async function runSyncProject(project: string, o: SyncProjectOptions): Promise<number> {
  const input: SyncProjectExportsInput = { connection: o.connection, project: Number(project), failOn: o.failOn, policy: policyFrom(o), ...projectFilterFrom(o) };
  checkProjectSyncInput(input); // bad input fails before a server is started or reached
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const session = await openTemporalSession({ worker: o.worker, log: err, requireWorker: !o.detach, ownTaskQueue: !o.detach });
  const held = holdSignals(); // from here on, a signal cancels the workflow this run starts
  try {
    const { handle } = await startProjectSync(session.client, input, { taskQueue: session.taskQueue, searchAttributes: o.searchAttributes });
    err(`started workflow ${handle.workflowId}`);
    if (o.detach) {
      process.stdout.write(o.json ? `${JSON.stringify({ workflowId: handle.workflowId })}\n` : `${handle.workflowId}\n`);
      const signal = held.handOver();
      return signal ? signalExitCode(signal) : ExitCode.Ok;
    }
    const release = cancelOnSignal({
      workflowId: handle.workflowId,
      cancel: () => handle.cancel(),
      json: Boolean(o.json),
      log: err,
      graceMs: session.cancelGraceMs,
      arrived: () => held.handOver(),
    });
    const stop = followProjectProgress(handle, err);
    try {
      const report = await awaitProjectSyncReport(handle);
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatProjectReport(report)}\n`);
      return exitCodeForProjectReport(report);
    } catch (e) {
      if (!(e instanceof ProjectSyncError)) throw e;
      if (!e.report) throw new SyncWorkflowError(e.message, e.failureType, undefined, e.workflowId); // exit code by failure type
      process.stdout.write(o.json ? `${JSON.stringify({ error: e.message, failureType: e.failureType, report: e.report }, null, 2)}\n` : `${formatProjectReport(e.report)}\n`);
      err(`error: ${e.message}`);
      return e.failureType === 'Cancelled' ? ExitCode.Cancelled : exitCodeForProjectReport(e.report);
    } finally {
      await stop();
      release();
    }
  } finally {
    held.handOver();
    await session.close();
  }
}

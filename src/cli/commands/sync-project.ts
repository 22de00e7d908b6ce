import { Command, Option } from 'commander';
import { awaitProjectSyncReport, ProjectSyncError, startProjectSync } from '../../client/project-sync-client';
import { SyncWorkflowError } from '../../client/sync-failure';
import { checkProjectSyncInput } from '../../client/check-input';
import type { FailOn, SyncProjectExportsInput } from '../../schema/project-sync-input';
import { cancelOnSignal } from '../cancel-on-signal';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { formatProjectReport } from '../format-project-report';
import { exitCodeForProjectReport } from '../project-exit-code';
import { followProjectProgress } from '../project-progress';
import { openTemporalSession } from '../temporal-session';
import { addPolicyOptions, policyFrom, type PolicyFlags } from './policy-options';
import { addProjectFilterOptions, projectFilterFrom, type ProjectFilterFlags } from './project-filter-options';
import { workerOption, type WorkerChoice } from './worker-option';

interface SyncProjectOptions extends PolicyFlags, ProjectFilterFlags {
  connection: string;
  failOn: FailOn;
  json?: boolean;
  detach?: boolean;
  worker: WorkerChoice;
  searchAttributes: boolean;
}

export function syncProjectCommand(): Command {
  const command = new Command('sync-project')
    .description("Sync a project's export storages (all, or those the filters pick), each as its own workflow, and print every storage's result")
    .argument('<project>', 'project id')
    .option('-c, --connection <name>', 'Label Studio connection configured on the worker', 'default')
    .addOption(new Option('--fail-on <when>', 'any: the fan-out workflow fails when a storage fails; none: it completes with the partial report').choices(['any', 'none']).default('any'))
    .option('--json', 'print the report as JSON on stdout')
    .option('--detach', 'start the workflow, print its id and exit')
    .addOption(workerOption())
    .option('--no-search-attributes', 'start without the package search attributes');
  addProjectFilterOptions(command);
  addPolicyOptions(command);
  return command.action(async (project: string, options: SyncProjectOptions) => {
    process.exitCode = await runSyncProject(project, options);
  });
}

async function runSyncProject(project: string, o: SyncProjectOptions): Promise<ExitCodeValue> {
  const input: SyncProjectExportsInput = { connection: o.connection, project: Number(project), failOn: o.failOn, policy: policyFrom(o), ...projectFilterFrom(o) };
  checkProjectSyncInput(input); // bad input fails before a server is started or reached
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const session = await openTemporalSession({ worker: o.worker, log: err, requireWorker: !o.detach, ownTaskQueue: !o.detach });
  try {
    const { handle } = await startProjectSync(session.client, input, { taskQueue: session.taskQueue, searchAttributes: o.searchAttributes });
    err(`started workflow ${handle.workflowId}`);
    if (o.detach) {
      process.stdout.write(o.json ? `${JSON.stringify({ workflowId: handle.workflowId })}\n` : `${handle.workflowId}\n`);
      return ExitCode.Ok;
    }
    const release = cancelOnSignal({ workflowId: handle.workflowId, cancel: () => handle.cancel(), json: Boolean(o.json), log: err, graceMs: session.cancelGraceMs });
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
    await session.close();
  }
}

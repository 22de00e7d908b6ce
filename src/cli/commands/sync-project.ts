import { Command, Option } from 'commander';
import type { FailOn } from '../../schema/project-sync-input';
import { addPolicyOptions, type PolicyFlags } from './policy-options';
import { addProjectFilterOptions, type ProjectFilterFlags } from './project-filter-options';
import { workerOption, type WorkerChoice } from './worker-option';

export interface SyncProjectOptions extends PolicyFlags, ProjectFilterFlags {
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
    const { runSyncProject } = await import('../actions/sync-project.js');
    process.exitCode = await runSyncProject(project, options);
  });
}

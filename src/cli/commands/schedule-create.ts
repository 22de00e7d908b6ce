import { Command, Option } from 'commander';
import type { FailOn } from '../../schema/project-sync-input';
import { addPolicyOptions, type PolicyFlags } from './policy-options';
import { addProjectFilterOptions, type ProjectFilterFlags } from './project-filter-options';
import { addScheduleSpecOptions, type ScheduleSpecFlags } from './schedule-spec-options';

export interface CreateFlags extends ScheduleSpecFlags, PolicyFlags, ProjectFilterFlags {
  storage?: string[];
  project?: string;
  connection: string;
  failOn?: FailOn;
  paused?: boolean;
  note?: string;
  searchAttributes: boolean;
  json?: boolean;
}

export function scheduleCreateCommand(): Command {
  const command = new Command('create')
    .description('Create a schedule that syncs one storage (--storage type:id) or a project fan-out (--project id)')
    .argument('<schedule-id>', 'a name for the schedule, e.g. nightly-project-7')
    .option('-c, --connection <name>', 'Label Studio connection configured on the worker', 'default')
    .option('--project <id>', 'the project: synced as a whole, or (with --storage) named in the schedule for search')
    .addOption(new Option('--fail-on <when>', 'project fan-out: any (a failed storage fails the run) or none').choices(['any', 'none']))
    .option('--paused', 'create it paused')
    .option('--note <text>', 'a note on the schedule, e.g. why it is paused')
    .option('--no-search-attributes', 'create without the package search attributes')
    .option('--json', 'print the schedule as JSON');
  addScheduleSpecOptions(command);
  addProjectFilterOptions(command);
  addPolicyOptions(command);
  return command.action(async (scheduleId: string, flags: CreateFlags) => {
    const { createSchedule } = await import('../actions/schedule-create.js');
    process.exitCode = await createSchedule(scheduleId, flags);
  });
}

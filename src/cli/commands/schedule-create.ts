import { Command, Option } from 'commander';
import type { StorageType } from '../../labelstudio/storage-types';
import { InvalidScheduleError } from '../../client/invalid-schedule';
import type { ScheduleTarget } from '../../client/schedule-target';
import { compileSyncSchedule, createSyncSchedule, describeSyncSchedule, type CreateSyncScheduleOptions } from '../../client/schedules';
import { taskQueueFromEnv } from '../../config/task-queue';
import type { FailOn } from '../../schema/project-sync-input';
import { exitOnBadInput } from '../bad-input';
import { ExitCode } from '../exit-codes';
import { formatSchedule } from '../format-schedule';
import { withServer } from '../server-session';
import { addPolicyOptions, policyFrom, type PolicyFlags } from './policy-options';
import { addProjectFilterOptions, projectFilterFrom, type ProjectFilterFlags } from './project-filter-options';
import { addScheduleSpecOptions, calendarsFrom, type ScheduleSpecFlags } from './schedule-spec-options';

interface CreateFlags extends ScheduleSpecFlags, PolicyFlags, ProjectFilterFlags {
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
    process.exitCode = await exitOnBadInput(() => create(scheduleId, flags));
  });
}

async function create(scheduleId: string, flags: CreateFlags) {
  const options: CreateSyncScheduleOptions = {
    scheduleId,
    target: targetFrom(flags),
    spec: { cron: flags.cron, calendars: calendarsFrom(flags), timezone: flags.timezone, jitter: flags.jitter },
    overlap: flags.overlap,
    catchupWindow: flags.catchupWindow,
    pauseOnFailure: flags.pauseOnFailure,
    paused: flags.paused,
    note: flags.note,
    taskQueue: taskQueueFromEnv(),
    searchAttributes: flags.searchAttributes,
    priority: flags.priority, // a project schedule's storage syncs get it too (projectFilterFrom)
  };
  compileSyncSchedule(options); // a bad schedule is refused before the server is contacted
  return withServer(async ({ client }) => {
    await createSyncSchedule(client, options);
    const view = await describeSyncSchedule(client, scheduleId);
    process.stdout.write(flags.json ? `${JSON.stringify(view, null, 2)}\n` : `created ${formatSchedule(view)}\n`);
    return ExitCode.Ok;
  });
}

/** --storage type:id makes a storage schedule (one storage); --project alone a project fan-out. */
function targetFrom(flags: CreateFlags): ScheduleTarget {
  const project = flags.project === undefined ? undefined : Number(flags.project);
  const policy = policyFrom(flags);
  if (flags.storage) {
    if (flags.storage.length !== 1) throw new InvalidScheduleError('--storage', 'takes one storage; use --project with filters for several');
    const [type, id] = flags.storage[0]!.split(':');
    return { kind: 'storage', project, input: { connection: flags.connection, storageType: type as StorageType, storageId: Number(id), policy } };
  }
  if (project === undefined) throw new InvalidScheduleError('target', 'needs --storage <type:id> or --project <id>');
  return { kind: 'project', input: { connection: flags.connection, project, failOn: flags.failOn, policy, ...projectFilterFrom(flags) } };
}

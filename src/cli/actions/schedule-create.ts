import type { StorageType } from '../../labelstudio/storage-types';
import { InvalidScheduleError } from '../../client/invalid-schedule';
import type { ScheduleTarget } from '../../client/schedule-target';
import { compileSyncSchedule, createSyncSchedule, describeSyncSchedule, type CreateSyncScheduleOptions } from '../../client/schedules';
import { taskQueueFromEnv } from '../../config/task-queue';
import { exitOnBadInput } from '../bad-input';
import type { CreateFlags } from '../commands/schedule-create';
import { policyFrom } from '../commands/policy-options';
import { projectFilterFrom } from '../commands/project-filter-options';
import { calendarsFrom } from '../commands/schedule-spec-options';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { formatSchedule } from '../format-schedule';
import { withServer } from '../server-session';

/** `schedule create`: checks the schedule, creates it, prints it as the server has it; 3 for a bad one. */
export function createSchedule(scheduleId: string, flags: CreateFlags): Promise<ExitCodeValue> {
  return exitOnBadInput(() => create(scheduleId, flags));
}

async function create(scheduleId: string, flags: CreateFlags): Promise<ExitCodeValue> {
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

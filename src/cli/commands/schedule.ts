import { Command, Option } from 'commander';
import {
  backfillSyncSchedule,
  deleteSyncSchedule,
  describeSyncSchedule,
  listSyncSchedules,
  pauseSyncSchedule,
  triggerSyncSchedule,
  unpauseSyncSchedule,
} from '../../client/schedules';
import { InvalidScheduleError } from '../../client/invalid-schedule';
import type { OverlapName } from '../../client/schedule-spec';
import { exitOnBadInput } from '../bad-input';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { formatSchedule, formatScheduleLine } from '../format-schedule';
import { withServer } from '../server-session';
import type { TemporalSession } from '../temporal-session';
import { scheduleCreateCommand } from './schedule-create';
import { scheduleUpdateCommand } from './schedule-update';

/** `schedule …`: Temporal Schedules that run storage syncs or project fan-outs. */
export function scheduleCommand(): Command {
  const group = new Command('schedule').description('Create and manage schedules of storage syncs and project fan-outs (nightly exports)');
  group.addCommand(scheduleCreateCommand());
  group.addCommand(listCommand());
  group.addCommand(describeCommand());
  group.addCommand(scheduleUpdateCommand());
  group.addCommand(noteCommand('pause', 'Pause a schedule: no runs until unpaused', pauseSyncSchedule));
  group.addCommand(noteCommand('unpause', 'Unpause a schedule', unpauseSyncSchedule));
  group.addCommand(triggerCommand());
  group.addCommand(backfillCommand());
  group.addCommand(deleteCommand());
  // Usage errors must reach main's handler (exit 3), not exit(1) from inside commander.
  for (const command of group.commands) command.exitOverride().showHelpAfterError();
  return group.exitOverride().showHelpAfterError();
}

/** Runs the action on the server; its exit code, or 3 for a bad or unknown schedule. */
function onServer(run: (session: TemporalSession) => Promise<ExitCodeValue>): Promise<void> {
  return exitOnBadInput(() => withServer(run)).then((code) => {
    process.exitCode = code;
  });
}

function print(json: boolean | undefined, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}

function listCommand(): Command {
  return new Command('list')
    .description("List this package's schedules")
    .option('--project <id>', 'only those of this project')
    .option('-c, --connection <name>', 'only those of this Label Studio connection')
    .option('--json', 'print them as JSON')
    .action((o: { project?: string; connection?: string; json?: boolean }) =>
      onServer(async ({ client }) => {
        const schedules = await listSyncSchedules(client, { project: o.project === undefined ? undefined : Number(o.project), connection: o.connection });
        print(o.json, schedules, schedules.map(formatScheduleLine).join('\n') || 'no schedules');
        return ExitCode.Ok;
      }),
    );
}

function describeCommand(): Command {
  return new Command('describe')
    .description('Show a schedule: what it runs, when, its policies, its next and recent runs')
    .argument('<schedule-id>')
    .option('--json', 'print it as JSON')
    .action((scheduleId: string, o: { json?: boolean }) =>
      onServer(async ({ client }) => {
        const view = await describeSyncSchedule(client, scheduleId);
        print(o.json, view, formatSchedule(view));
        return ExitCode.Ok;
      }),
    );
}

function noteCommand(name: string, description: string, act: (client: TemporalSession['client'], id: string, note?: string) => Promise<void>): Command {
  return new Command(name)
    .description(description)
    .argument('<schedule-id>')
    .option('--note <text>', 'why, shown by describe')
    .option('--json', 'print the result as JSON')
    .action((scheduleId: string, o: { note?: string; json?: boolean }) =>
      onServer(async ({ client }) => {
        await act(client, scheduleId, o.note);
        print(o.json, { scheduleId, [name === 'pause' ? 'paused' : 'unpaused']: true }, `${name}d ${scheduleId}`);
        return ExitCode.Ok;
      }),
    );
}

const overlapOption = (what: string) =>
  new Option('--overlap <policy>', what).choices(['skip', 'buffer-one', 'buffer-all', 'cancel-other', 'terminate-other', 'allow-all']);

function triggerCommand(): Command {
  return new Command('trigger')
    .description("Start a run now, under the schedule's overlap policy unless --overlap says otherwise; prints the run's workflow id")
    .argument('<schedule-id>')
    .addOption(overlapOption('overlap policy for this run'))
    .option('--json', 'print the result as JSON')
    .action((scheduleId: string, o: { overlap?: OverlapName; json?: boolean }) =>
      onServer(async ({ client }) => {
        const run = await triggerSyncSchedule(client, scheduleId, { overlap: o.overlap });
        const human = run ? `started ${run.workflowId}` : 'no run started within 10s (the overlap policy may have skipped it: a run is still going)';
        print(o.json, { scheduleId, workflowId: run?.workflowId ?? null }, human);
        return ExitCode.Ok;
      }),
    );
}

function backfillCommand(): Command {
  return new Command('backfill')
    .description('Take now the runs the schedule would have taken between --start and --end')
    .argument('<schedule-id>')
    .requiredOption('--start <time>', 'ISO 8601 start, e.g. 2026-01-01T00:00:00Z')
    .requiredOption('--end <time>', 'ISO 8601 end')
    .addOption(overlapOption('overlap policy for the backfilled runs (default skip)'))
    .option('--json', 'print the result as JSON')
    .action(async (scheduleId: string, o: { start: string; end: string; overlap?: OverlapName; json?: boolean }) => {
      process.exitCode = await exitOnBadInput(() => {
        const [start, end] = [dateFlag('--start', o.start), dateFlag('--end', o.end)]; // checked before the server is contacted
        return withServer(async ({ client }) => {
          await backfillSyncSchedule(client, scheduleId, { start, end, overlap: o.overlap });
          print(o.json, { scheduleId, start: start.toISOString(), end: end.toISOString() }, `backfilling ${scheduleId} from ${start.toISOString()} to ${end.toISOString()}`);
          return ExitCode.Ok;
        });
      });
    });
}

function deleteCommand(): Command {
  return new Command('delete')
    .description('Delete a schedule (runs it started are left alone)')
    .argument('<schedule-id>')
    .option('--json', 'print the result as JSON')
    .action((scheduleId: string, o: { json?: boolean }) =>
      onServer(async ({ client }) => {
        await deleteSyncSchedule(client, scheduleId);
        print(o.json, { scheduleId, deleted: true }, `deleted ${scheduleId}`);
        return ExitCode.Ok;
      }),
    );
}

function dateFlag(flag: string, text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new InvalidScheduleError(flag, `is not a date (got ${JSON.stringify(text)}); use ISO 8601, e.g. 2026-01-01T00:00:00Z`);
  return date;
}

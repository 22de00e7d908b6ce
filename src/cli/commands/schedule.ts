import { Command, Option } from 'commander';
import type { OverlapName } from '../../client/schedule-spec';
import { scheduleCreateCommand } from './schedule-create';
import { scheduleUpdateCommand } from './schedule-update';

/** What the subcommands run: loaded when one runs, not for --help. */
const actions = () => import('../actions/schedule.js');

/** `schedule …`: Temporal Schedules that run storage syncs or project fan-outs. */
export function scheduleCommand(): Command {
  const group = new Command('schedule').description('Create and manage schedules of storage syncs and project fan-outs (nightly exports)');
  group.addCommand(scheduleCreateCommand());
  group.addCommand(listCommand());
  group.addCommand(describeCommand());
  group.addCommand(scheduleUpdateCommand());
  group.addCommand(noteCommand('pause', 'Pause a schedule: no runs until unpaused'));
  group.addCommand(noteCommand('unpause', 'Unpause a schedule'));
  group.addCommand(triggerCommand());
  group.addCommand(backfillCommand());
  group.addCommand(deleteCommand());
  // Usage errors must reach main's handler (exit 3), not exit(1) from inside commander.
  for (const command of group.commands) command.exitOverride().showHelpAfterError();
  return group.exitOverride().showHelpAfterError();
}

function listCommand(): Command {
  return new Command('list')
    .description("List this package's schedules")
    .option('--project <id>', 'only those of this project')
    .option('-c, --connection <name>', 'only those of this Label Studio connection')
    .option('--json', 'print them as JSON')
    .action(async (o: { project?: string; connection?: string; json?: boolean }) => {
      process.exitCode = await (await actions()).listSchedules(o);
    });
}

function describeCommand(): Command {
  return new Command('describe')
    .description('Show a schedule: what it runs, when, its policies, its next and recent runs')
    .argument('<schedule-id>')
    .option('--json', 'print it as JSON')
    .action(async (scheduleId: string, o: { json?: boolean }) => {
      process.exitCode = await (await actions()).describeSchedule(scheduleId, o);
    });
}

function noteCommand(name: 'pause' | 'unpause', description: string): Command {
  return new Command(name)
    .description(description)
    .argument('<schedule-id>')
    .option('--note <text>', 'why, shown by describe')
    .option('--json', 'print the result as JSON')
    .action(async (scheduleId: string, o: { note?: string; json?: boolean }) => {
      process.exitCode = await (await actions()).pauseSchedule(name, scheduleId, o);
    });
}

const overlapOption = (what: string) =>
  new Option('--overlap <policy>', what).choices(['skip', 'buffer-one', 'buffer-all', 'cancel-other', 'terminate-other', 'allow-all']);

function triggerCommand(): Command {
  return new Command('trigger')
    .description("Start a run now, under the schedule's overlap policy unless --overlap says otherwise; prints the run's workflow id")
    .argument('<schedule-id>')
    .addOption(overlapOption('overlap policy for this run'))
    .option('--json', 'print the result as JSON')
    .action(async (scheduleId: string, o: { overlap?: OverlapName; json?: boolean }) => {
      process.exitCode = await (await actions()).triggerSchedule(scheduleId, o);
    });
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
      process.exitCode = await (await actions()).backfillSchedule(scheduleId, o);
    });
}

function deleteCommand(): Command {
  return new Command('delete')
    .description('Delete a schedule (runs it started are left alone)')
    .argument('<schedule-id>')
    .option('--json', 'print the result as JSON')
    .action(async (scheduleId: string, o: { json?: boolean }) => {
      process.exitCode = await (await actions()).deleteSchedule(scheduleId, o);
    });
}

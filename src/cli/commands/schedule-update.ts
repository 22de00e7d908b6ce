import { Command } from 'commander';
import { describeSyncSchedule, updateSyncSchedule } from '../../client/schedules';
import { exitOnBadInput } from '../bad-input';
import { ExitCode } from '../exit-codes';
import { formatSchedule } from '../format-schedule';
import { withServer } from '../server-session';
import { addScheduleSpecOptions, calendarsFrom, type ScheduleSpecFlags } from './schedule-spec-options';

export function scheduleUpdateCommand(): Command {
  const command = new Command('update')
    .description("Change a schedule's times or policies; --cron/--calendar replace all its times. What is not given stays.")
    .argument('<schedule-id>')
    .option('--json', 'print the updated schedule as JSON');
  // After --pause-on-failure: defined first, --no-… would make the flag default to true.
  addScheduleSpecOptions(command).option('--no-pause-on-failure', 'stop pausing the schedule when a run fails');
  return command.action(async (scheduleId: string, flags: ScheduleSpecFlags & { json?: boolean }) => {
    process.exitCode = await exitOnBadInput(() =>
      withServer(async ({ client }) => {
        await updateSyncSchedule(client, scheduleId, {
          cron: flags.cron,
          calendars: calendarsFrom(flags),
          timezone: flags.timezone,
          jitter: flags.jitter,
          overlap: flags.overlap,
          catchupWindow: flags.catchupWindow,
          pauseOnFailure: flags.pauseOnFailure,
        });
        const view = await describeSyncSchedule(client, scheduleId);
        process.stdout.write(flags.json ? `${JSON.stringify(view, null, 2)}\n` : `updated ${formatSchedule(view)}\n`);
        return ExitCode.Ok;
      }),
    );
  });
}

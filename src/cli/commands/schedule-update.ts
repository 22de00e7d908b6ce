import { Command } from 'commander';
import { addScheduleSpecOptions, type ScheduleSpecFlags } from './schedule-spec-options';

export function scheduleUpdateCommand(): Command {
  const command = new Command('update')
    .description("Change a schedule's times or policies; --cron/--calendar replace all its times. What is not given stays.")
    .argument('<schedule-id>')
    .option('--json', 'print the updated schedule as JSON');
  // After --pause-on-failure: defined first, --no-… would make the flag default to true.
  addScheduleSpecOptions(command).option('--no-pause-on-failure', 'stop pausing the schedule when a run fails');
  return command.action(async (scheduleId: string, flags: ScheduleSpecFlags & { json?: boolean }) => {
    const { updateSchedule } = await import('../actions/schedule.js');
    process.exitCode = await updateSchedule(scheduleId, flags);
  });
}

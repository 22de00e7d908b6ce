import { Option, type Command } from 'commander';
import type { CalendarSpec } from '@temporalio/client';
import { InvalidScheduleError } from '../../client/invalid-schedule';
import type { OverlapName } from '../../client/schedule-spec';

/** When a schedule runs and how runs relate: the flags create and update share. */
export interface ScheduleSpecFlags {
  cron?: string[];
  calendar?: string[];
  timezone?: string;
  jitter?: string;
  overlap?: OverlapName;
  catchupWindow?: string;
  pauseOnFailure?: boolean;
}

// No comma splitting: cron expressions contain commas.
const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addScheduleSpecOptions(command: Command): Command {
  return command
    .option('--cron <expression>', 'cron expression, e.g. "0 3 * * *" (repeatable)', collect)
    .option('--calendar <json>', 'calendar spec as JSON, e.g. \'{"hour": 3, "dayOfWeek": "MONDAY"}\' (repeatable)', collect)
    .option('--timezone <zone>', 'IANA time zone, e.g. Europe/Berlin (default UTC)')
    .option('--jitter <duration>', 'start each run up to this much later, e.g. 5m')
    .addOption(new Option('--overlap <policy>', 'when a run is due while the last one still runs').choices(['skip', 'buffer-one', 'buffer-all', 'cancel-other', 'terminate-other', 'allow-all']))
    .option('--catchup-window <duration>', 'after an outage, still take runs missed by at most this long, e.g. 1h')
    .option('--pause-on-failure', 'pause the schedule when a run fails');
}

export function calendarsFrom(flags: ScheduleSpecFlags): CalendarSpec[] | undefined {
  return flags.calendar?.map((text, i) => {
    try {
      return JSON.parse(text) as CalendarSpec;
    } catch (err) {
      throw new InvalidScheduleError(`--calendar #${i + 1}`, `is not JSON (${(err as Error).message})`);
    }
  });
}

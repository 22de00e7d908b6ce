import { ScheduleAlreadyRunning, ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { InvalidScheduleError } from '../client/invalid-schedule';
import { ExitCode, type ExitCodeValue } from './exit-codes';

/** Errors that mean the command named something wrong or absent: exit 3 with the reason. */
export async function exitOnBadInput(run: () => Promise<ExitCodeValue>): Promise<ExitCodeValue> {
  try {
    return await run();
  } catch (err) {
    const known = err instanceof InvalidScheduleError || err instanceof ScheduleNotFoundError || err instanceof ScheduleAlreadyRunning || err instanceof WorkflowNotFoundError;
    if (!known) throw err;
    const id = err instanceof ScheduleNotFoundError || err instanceof ScheduleAlreadyRunning ? ` (schedule ${err.scheduleId})` : '';
    process.stderr.write(`error: ${err.message}${id}\n`);
    return ExitCode.BadInput;
  }
}

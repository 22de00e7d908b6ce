import { awaitSyncReport, type StartedSync } from '../client/sync-client';
import { SyncWorkflowError } from '../client/sync-failure';
import { cancelOnSignal, type CancelOnSignalOptions } from './cancel-on-signal';
import { exitCodeForOutcome, type ExitCodeValue } from './exit-codes';
import { printSyncReport } from './print-report';
import { followProgress } from './progress';

/**
 * Shows progress until the sync workflow ends, then prints its report (also that of a failed or
 * cancelled sync, which is thrown on). A signal cancels the workflow this run started (see cancelOnSignal).
 */
export async function followSyncToTheEnd(
  started: StartedSync,
  json: boolean,
  graceMs: number,
  log: (line: string) => void,
  arrived?: CancelOnSignalOptions['arrived'],
): Promise<ExitCodeValue> {
  const cancel = started.joined ? undefined : () => started.handle.cancel();
  const release = cancelOnSignal({ workflowId: started.workflowId, cancel, json, log, graceMs, arrived });
  const stop = followProgress(started.handle, log);
  try {
    const report = await awaitSyncReport(started.handle);
    printSyncReport(report, json);
    return exitCodeForOutcome(report.outcome);
  } catch (err) {
    if (!(err instanceof SyncWorkflowError) || !err.report) throw err;
    printSyncReport(err.report, json, err);
    throw err;
  } finally {
    await stop();
    release();
  }
}

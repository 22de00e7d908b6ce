import type { SyncWorkflowError } from '../client/sync-failure';
import type { SyncReport } from '../workflows/sync-report';
import { formatReport } from './format-report';

/** The report on stdout: JSON for scripts (with the failure when there was one), or for people. */
export function printSyncReport(report: SyncReport, json: boolean, err?: SyncWorkflowError): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(err ? { error: err.message, failureType: err.failureType, report } : report, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${formatReport(report)}\n`);
}

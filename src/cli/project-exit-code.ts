import type { ProjectSyncReport } from '../workflows/project-sync-report';
import { ExitCode, type ExitCodeValue } from './exit-codes';

/** Any failed storage: 1, whatever failOn said; else any completed with errors: 2; else 0. */
export function exitCodeForProjectReport(report: ProjectSyncReport): ExitCodeValue {
  if (report.counts.failed > 0) return ExitCode.SyncFailed;
  if (report.storages.some((e) => e.report?.outcome === 'completed_with_errors')) return ExitCode.CompletedWithErrors;
  return ExitCode.Ok;
}

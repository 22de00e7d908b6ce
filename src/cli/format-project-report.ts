import type { ProjectSyncReport, StorageSyncEntry } from '../workflows/project-sync-report';

/** The fan-out's report as a person reads it: the tally, then one line per storage. */
export function formatProjectReport(report: ProjectSyncReport): string {
  const c = report.counts;
  const lines = [
    `project ${report.project} (connection ${report.connection}): ${report.outcome}: ${c.succeeded} succeeded, ${c.failed} failed, ${c.skipped} skipped of ${c.total}`,
  ];
  for (const e of report.storages) lines.push(`  ${formatEntry(e)}`);
  for (const w of report.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

function formatEntry(e: StorageSyncEntry): string {
  const name = `${e.storage.type} ${e.storage.id}${e.storage.title ? ` "${e.storage.title}"` : ''}`;
  const joined = e.joined ? ' (joined a sync already running)' : '';
  if (e.result === 'succeeded') {
    const count = e.report?.final?.lastSyncCount;
    return `${name}: ${e.report?.outcome ?? 'succeeded'}${count != null ? `, ${count} synced` : ''}${joined}`;
  }
  const why = e.error ? `${e.error.type ? `${e.error.type}: ` : ''}${e.error.message}` : e.result;
  return `${name}: ${e.result}: ${why}${joined}`;
}

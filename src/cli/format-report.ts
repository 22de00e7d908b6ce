import type { SyncReport } from '../workflows/sync-report';
import { formatVerification } from './format-verification';

/** The report as a person reads it: outcome first, then one line per attempt. */
export function formatReport(report: SyncReport): string {
  const s = report.storage;
  const lines = [
    `${s.type} storage ${s.id}${s.title ? ` "${s.title}"` : ''} (project ${s.project ?? '?'}, connection ${s.connection}): ${report.outcome}`,
  ];
  for (const a of report.attempts) {
    const count = a.lastSyncCount !== null ? `, ${a.lastSyncCount} synced` : '';
    const job = a.lastSyncJob ? `, job ${a.lastSyncJob}` : '';
    lines.push(`  attempt ${a.attempt} (${a.mode}, Label Studio sync #${a.syncAttempt}): ${a.status}${count}${job}, ${a.startedAt} → ${a.endedAt}`);
    if (a.traceback && a.status !== 'completed') lines.push(`    ${a.traceback.trim().split('\n').pop()}`);
  }
  const verification = formatVerification(report.verification);
  if (verification) lines.push(verification);
  for (const w of report.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

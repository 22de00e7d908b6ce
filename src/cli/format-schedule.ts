import type { SyncScheduleSummary, SyncScheduleView } from '../client/schedule-view';

/** What a schedule runs, in a few words. */
export function describeTarget(s: SyncScheduleSummary): string {
  const t = s.target;
  if (!t) return s.workflowType ?? 'unknown workflow';
  if (t.kind === 'storage') return `sync of ${t.storageType} storage ${t.storageId}${t.project !== null ? ` (project ${t.project})` : ''}, connection ${t.connection}`;
  return `sync of project ${t.project}'s export storages, connection ${t.connection}`;
}

export function formatScheduleLine(s: SyncScheduleSummary): string {
  return `${s.scheduleId}: ${describeTarget(s)}${s.paused ? ` [paused${s.note ? `: ${s.note}` : ''}]` : ''}; next ${s.nextRuns[0] ?? 'none'}`;
}

export function formatSchedule(v: SyncScheduleView): string {
  const lines = [
    `${v.scheduleId}: ${describeTarget(v)}`,
    `  when: ${v.spec.calendars.join(' | ') || 'no calendar'} (${v.spec.timezone}${v.spec.jitterMs ? `, jitter ${v.spec.jitterMs / 1000}s` : ''})`,
    `  overlap ${v.overlap.toLowerCase().replace(/_/g, '-')}, catch-up window ${v.catchupWindowMs / 1000}s${v.pauseOnFailure ? ', pauses on failure' : ''}`,
    `  state: ${v.paused ? `paused${v.note ? ` (${v.note})` : ''}` : 'active'}; runs taken ${v.counts.taken}, skipped for overlap ${v.counts.skippedOverlap}, missed ${v.counts.missedCatchupWindow}`,
    `  next: ${v.nextRuns.slice(0, 3).join(', ') || 'none'}`,
  ];
  for (const r of v.runningRuns) lines.push(`  running: ${r.workflowId}`);
  for (const r of v.recentRuns.slice(-5)) lines.push(`  recent: ${r.workflowId} (scheduled ${r.scheduledAt}, started ${r.takenAt})`);
  return lines.join('\n');
}

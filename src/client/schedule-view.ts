import type { CalendarSpecDescription, Range, ScheduleDescription, ScheduleExecutionResult, ScheduleOverlapPolicy, ScheduleSummary } from '@temporalio/client';
import { MEMO_KEY, type ScheduleTargetMemo } from './schedule-target';

/** A run a schedule started. */
export interface ScheduledRun {
  workflowId: string;
  firstExecutionRunId: string;
  /** ISO times; absent for runs still going (Temporal lists those without them). */
  scheduledAt?: string;
  takenAt?: string;
}

export interface SyncScheduleSummary {
  scheduleId: string;
  target: ScheduleTargetMemo | null;
  workflowType: string | null;
  paused: boolean;
  note: string | null;
  nextRuns: string[];
  recentRuns: ScheduledRun[];
}

export interface SyncScheduleView extends SyncScheduleSummary {
  taskQueue: string | null;
  /** The workflow input each run gets. */
  input: unknown;
  /** Calendars as 7-field cron text (second minute hour day-of-month month day-of-week year): the server keeps cron compiled. */
  spec: { calendars: string[]; timezone: string; jitterMs: number };
  overlap: NonNullable<ScheduleOverlapPolicy>;
  catchupWindowMs: number;
  pauseOnFailure: boolean;
  runningRuns: ScheduledRun[];
  counts: { taken: number; skippedOverlap: number; missedCatchupWindow: number };
}

export function summaryView(s: ScheduleSummary): SyncScheduleSummary {
  return {
    scheduleId: s.scheduleId,
    target: targetOf(s.memo),
    workflowType: s.action?.workflowType ?? null,
    paused: s.state.paused,
    note: s.state.note || null,
    nextRuns: s.info.nextActionTimes.map((d) => d.toISOString()),
    recentRuns: s.info.recentActions.map(runOf),
  };
}

export function describeView(d: ScheduleDescription): SyncScheduleView {
  return {
    scheduleId: d.scheduleId,
    target: targetOf(d.memo),
    workflowType: d.action.workflowType,
    taskQueue: d.action.taskQueue ?? null,
    input: d.action.args?.[0],
    paused: d.state.paused,
    note: d.state.note || null,
    spec: { calendars: (d.spec.calendars ?? []).map(formatCalendar), timezone: d.spec.timezone || 'UTC', jitterMs: d.spec.jitter ?? 0 },
    overlap: d.policies.overlap ?? 'SKIP',
    catchupWindowMs: d.policies.catchupWindow,
    pauseOnFailure: d.policies.pauseOnFailure,
    nextRuns: d.info.nextActionTimes.map((t) => t.toISOString()),
    recentRuns: d.info.recentActions.map(runOf),
    runningRuns: d.info.runningActions.map((a) => ({ ...a.workflow })),
    counts: {
      taken: d.info.numActionsTaken,
      skippedOverlap: d.info.numActionsSkippedOverlap,
      missedCatchupWindow: d.info.numActionsMissedCatchupWindow,
    },
  };
}

export function isSyncSchedule(memo: Record<string, unknown> | undefined): boolean {
  return targetOf(memo) !== null;
}

function targetOf(memo: Record<string, unknown> | undefined): ScheduleTargetMemo | null {
  const target = memo?.[MEMO_KEY];
  return typeof target === 'object' && target !== null ? (target as ScheduleTargetMemo) : null;
}

function runOf(r: ScheduleExecutionResult): ScheduledRun {
  return { ...r.action.workflow, scheduledAt: r.scheduledAt.toISOString(), takenAt: r.takenAt.toISOString() };
}

const FULL_RANGES: Record<string, string> = { dayOfMonth: '1-31', month: 'JAN-DEC', dayOfWeek: 'SUN-SAT', second: '0-59', minute: '0-59', hour: '0-23' };

export function formatCalendar(c: CalendarSpecDescription): string {
  const field = (name: keyof typeof FULL_RANGES | 'year', ranges: Range<number | string>[]) => {
    const text = ranges.map(formatRange).join(',');
    return text === '' || text === FULL_RANGES[name] ? '*' : text;
  };
  const fields = [
    field('second', c.second),
    field('minute', c.minute),
    field('hour', c.hour),
    field('dayOfMonth', c.dayOfMonth),
    field('month', c.month),
    field('dayOfWeek', c.dayOfWeek),
    field('year', c.year),
  ];
  return fields.join(' ') + (c.comment ? ` # ${c.comment}` : '');
}

function formatRange(r: Range<number | string>): string {
  const value = (v: number | string) => (typeof v === 'string' ? v.slice(0, 3) : String(v));
  const span = r.end === undefined || r.end === r.start ? value(r.start) : `${value(r.start)}-${value(r.end)}`;
  return r.step > 1 ? `${span}/${r.step}` : span;
}

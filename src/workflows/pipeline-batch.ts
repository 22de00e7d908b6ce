import type { AnnotationAction, AnnotationEvents } from './annotation-events';

/** Events received since the last batch began. Times are workflow times, ms since the epoch. */
export interface PendingBatch {
  events: number;
  annotations: number;
  actions: Partial<Record<AnnotationAction, number>>;
  firstAt: number;
  lastAt: number;
  /** Set when the reconciliation found the project's counters moved without a webhook. */
  reconciled?: true;
}

export function addEvents(pending: PendingBatch | null, received: AnnotationEvents, now: number): PendingBatch {
  const base = pending ?? { events: 0, annotations: 0, actions: {}, firstAt: now, lastAt: now };
  const actions = { ...base.actions };
  for (const [action, n] of Object.entries(received.actions) as [AnnotationAction, number][]) actions[action] = (actions[action] ?? 0) + n;
  return { ...base, events: base.events + received.events, annotations: base.annotations + received.annotations, actions, lastAt: now };
}

/** When the batch is due: after a quiet period without events, or the maximum wait since its first one. */
export function batchDueAt(pending: PendingBatch, quietMs: number, maxWaitMs: number): number {
  return Math.min(pending.lastAt + quietMs, pending.firstAt + maxWaitMs);
}

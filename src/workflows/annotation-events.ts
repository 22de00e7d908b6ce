import type { SignalDefinition } from '@temporalio/common';

/** The Label Studio webhook actions that change a project's annotations, so its exports. */
export const ANNOTATION_ACTIONS = ['ANNOTATION_CREATED', 'ANNOTATIONS_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_DELETED'] as const;

export type AnnotationAction = (typeof ANNOTATION_ACTIONS)[number];

export function isAnnotationAction(value: unknown): value is AnnotationAction {
  return typeof value === 'string' && (ANNOTATION_ACTIONS as readonly string[]).includes(value);
}

/** What the webhook receiver passes on: counts only, never the payload (task data stays out of history). */
export interface AnnotationEvent {
  action: AnnotationAction;
  project: number;
  /** Annotations the event names (0 when Label Studio sent no payload). */
  annotations: number;
}

/** Events of one project delivered together: the receiver merges those that arrive while a delivery is under way. */
export interface AnnotationEvents {
  project: number;
  events: number;
  annotations: number;
  actions: Partial<Record<AnnotationAction, number>>;
  /**
   * Set by a receiver with a journal: its id and the journal sequence number of the delivery's last
   * event. A journal resends a delivery it cannot tell was taken; the pipeline drops one it counted.
   */
  journal?: { id: string; seq: number };
}

export function mergeEvents(into: AnnotationEvents | null, event: AnnotationEvent): AnnotationEvents {
  const base = into ?? { project: event.project, events: 0, annotations: 0, actions: {} };
  return {
    project: base.project,
    events: base.events + 1,
    annotations: base.annotations + event.annotations,
    actions: { ...base.actions, [event.action]: (base.actions[event.action] ?? 0) + 1 },
  };
}

/** The events (at least one, all of one project) as one delivery. */
export function mergeAll(events: AnnotationEvent[]): AnnotationEvents {
  return events.reduce<AnnotationEvents | null>((merged, event) => mergeEvents(merged, event), null)!;
}

/** What defineSignal returns, written out: the webhook receiver signals it without loading @temporalio/workflow. */
export const annotationEventsSignal = { type: 'signal', name: 'annotationEvents' } as SignalDefinition<[AnnotationEvents], 'annotationEvents'>;

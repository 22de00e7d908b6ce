import type { AnnotationEvents } from './annotation-events';

/** Per receiver journal id, the sequence number of the last delivery the pipeline counted. */
export type JournalMarks = Record<string, number>;

/**
 * The marks after `received`, or null when it repeats a delivery already counted: a journal's
 * deliveries to one project arrive in sequence order, and a resent one keeps its number.
 */
export function markDelivery(marks: JournalMarks, received: AnnotationEvents): JournalMarks | null {
  if (!received.journal) return marks;
  const { id, seq } = received.journal;
  if (seq <= (marks[id] ?? 0)) return null;
  return { ...marks, [id]: seq };
}

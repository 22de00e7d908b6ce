import { mergeAll, type AnnotationEvent, type AnnotationEvents } from '../workflows/annotation-events';

interface Waiting {
  event: AnnotationEvent;
  resolve(workflowId: string): void;
  reject(err: unknown): void;
}

/**
 * One delivery in flight per project; events arriving meanwhile travel together in the next one.
 * Temporal serializes signals to one workflow, so a burst sent one signal per event would queue up
 * past Label Studio's 1 s timeout; merged, a burst costs two or three signals. Each caller learns
 * whether the delivery carrying its event was recorded. A delivery is never resent, so no event is
 * counted twice; one whose caller stopped waiting still lands when Temporal takes it.
 */
export class EventCoalescer {
  private readonly queues = new Map<number, Waiting[]>();
  private readonly busy = new Set<number>();

  constructor(private readonly send: (events: AnnotationEvents) => Promise<string>) {}

  deliver(event: AnnotationEvent): Promise<string> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(event.project) ?? [];
      queue.push({ event, resolve, reject });
      this.queues.set(event.project, queue);
      if (!this.busy.has(event.project)) void this.drain(event.project);
    });
  }

  private async drain(project: number): Promise<void> {
    this.busy.add(project);
    try {
      for (let batch = this.take(project); batch.length > 0; batch = this.take(project)) {
        const merged = mergeAll(batch.map((w) => w.event));
        try {
          const workflowId = await this.send(merged);
          batch.forEach((w) => w.resolve(workflowId));
        } catch (err) {
          batch.forEach((w) => w.reject(err));
        }
      }
    } finally {
      this.busy.delete(project);
    }
  }

  private take(project: number): Waiting[] {
    const queue = this.queues.get(project) ?? [];
    this.queues.delete(project);
    return queue;
  }
}

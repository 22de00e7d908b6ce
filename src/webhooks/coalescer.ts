import { mergeEvents, type AnnotationEvent, type AnnotationEvents } from '../workflows/annotation-events';

interface Waiting {
  event: AnnotationEvent;
  deadline: number;
  resolve(workflowId: string): void;
  reject(err: unknown): void;
}

/**
 * One delivery in flight per project; events arriving meanwhile travel together in the next one.
 * Temporal serializes signals to one workflow, so a burst sent one signal per event would queue up
 * past Label Studio's 1 s timeout; merged, a burst costs two or three signals. Each caller still
 * learns whether its own event was delivered, within its own deadline.
 */
export class EventCoalescer {
  private readonly queues = new Map<number, Waiting[]>();
  private readonly busy = new Set<number>();

  constructor(private readonly send: (events: AnnotationEvents, deadline: number) => Promise<string>) {}

  deliver(event: AnnotationEvent, deadline: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(event.project) ?? [];
      queue.push({ event, deadline, resolve, reject });
      this.queues.set(event.project, queue);
      if (!this.busy.has(event.project)) void this.drain(event.project);
    });
  }

  private async drain(project: number): Promise<void> {
    this.busy.add(project);
    try {
      for (let batch = this.take(project); batch.length > 0; batch = this.take(project)) {
        const merged = batch.reduce<AnnotationEvents | null>((events, w) => mergeEvents(events, w.event), null)!;
        // The earliest caller's deadline bounds the delivery it rides on.
        const deadline = Math.min(...batch.map((w) => w.deadline));
        try {
          const workflowId = await this.send(merged, deadline);
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

import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { mergeAll, type AnnotationEvent, type AnnotationEvents } from '../workflows/annotation-events';
import type { EventJournal, JournaledEvent } from './event-journal';

/** A delivery to send as it is (resent after a restart), or events still free to merge. */
type Queued = { resend: JournaledEvent[] } | JournaledEvent;

const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/**
 * A project's deliveries start at least this far apart. The answer does not wait for them, and the
 * pipeline waits seconds of quiet before a batch anyway; unpaced, a signal returning in tens of ms
 * carried one or two events, and a burst cost the receiver, Temporal and the worker one signal per event or so.
 */
export const DELIVERY_INTERVAL_MS = 1_000;

/**
 * Delivers journaled events to Temporal in the background, one delivery in flight per project and
 * at most one per `intervalMs`: the events queued meanwhile travel merged in the next one. Each delivery's intent is journaled before
 * it is sent and it is retried as it is until Temporal takes it, so a project's deliveries arrive in
 * journal order and a resent one carries the same last sequence number, which the pipeline drops when
 * it already counted it. Nothing is dropped: an event leaves the journal only once Temporal has it.
 */
export class JournaledDelivery {
  private readonly queues = new Map<number, Queued[]>();
  private readonly busy = new Set<number>();
  private readonly stop = new AbortController();

  constructor(
    private readonly journal: EventJournal,
    private readonly send: (events: AnnotationEvents) => Promise<string>,
    private readonly onError: (err: unknown, project: number) => void,
    private readonly intervalMs = DELIVERY_INTERVAL_MS,
  ) {
    // Every project's pause and retry wait listens to it: a warning past 10 broke --json logs on stderr.
    setMaxListeners(0, this.stop.signal);
  }

  /** Resolves once the event is durable in the journal; its delivery follows. */
  async accept(event: AnnotationEvent): Promise<void> {
    const seq = await this.journal.append(event);
    this.enqueue(event.project, { seq, event });
  }

  /** Resends what the journal holds from before a restart, first the deliveries that were in flight. */
  resume(): void {
    const { intents, events } = this.journal.undelivered();
    for (const intent of intents) this.enqueue(intent.project, { resend: intent.events });
    for (const e of events) this.enqueue(e.event.project, e);
  }

  /** Stops delivering (what is left stays in the journal) and closes it. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.journal.close();
  }

  private enqueue(project: number, item: Queued): void {
    const queue = this.queues.get(project) ?? [];
    queue.push(item);
    this.queues.set(project, queue);
    if (this.busy.has(project)) return;
    // Drained once the current job is done: what is queued with it (a restart's backlog) goes in the same delivery.
    this.busy.add(project);
    queueMicrotask(() => void this.drain(project));
  }

  private async drain(project: number): Promise<void> {
    try {
      for (let next = this.take(project); next && !this.stop.signal.aborted; next = this.take(project)) {
        const started = performance.now();
        await this.deliver(project, next.events, next.fresh);
        const rest = this.intervalMs - (performance.now() - started);
        if (rest > 0) await sleep(rest, undefined, { signal: this.stop.signal }).catch(() => undefined);
      }
    } finally {
      this.busy.delete(project);
    }
  }

  /** The next delivery of the project: a resend as it was, or every free event queued. */
  private take(project: number): { events: JournaledEvent[]; fresh: boolean } | undefined {
    const queue = this.queues.get(project) ?? [];
    const first = queue[0];
    if (!first) return undefined;
    if ('resend' in first) {
      queue.shift();
      return { events: first.resend, fresh: false };
    }
    const free = queue.findIndex((q) => 'resend' in q);
    const events = queue.splice(0, free === -1 ? queue.length : free) as JournaledEvent[];
    return { events, fresh: true };
  }

  private async deliver(project: number, events: JournaledEvent[], fresh: boolean): Promise<void> {
    const from = events[0]!.seq;
    const to = events.at(-1)!.seq;
    const merged = mergeAll(events.map((e) => e.event));
    let intended = !fresh;
    for (let wait = RETRY_FIRST_MS; !this.stop.signal.aborted; wait = Math.min(RETRY_MAX_MS, wait * 2)) {
      try {
        if (!intended) await this.journal.intend({ project, from, to });
        intended = true;
        await this.send({ ...merged, journal: { id: this.journal.id, seq: to } });
        await this.journal.delivered(project, to);
        return;
      } catch (err) {
        if (!this.stop.signal.aborted) this.onError(err, project);
        await sleep(wait, undefined, { signal: this.stop.signal }).catch(() => undefined);
      }
    }
  }
}

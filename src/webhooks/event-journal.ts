import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnnotationEvent } from '../workflows/annotation-events';

/** An accepted event and its place in the journal. */
export interface JournaledEvent {
  seq: number;
  event: AnnotationEvent;
}

/** A delivery about to be sent: the project's events `from`..`to` (journal order), merged. */
export interface Intent {
  project: number;
  from: number;
  to: number;
}

/** What a journal holds that has not reached Temporal yet, in journal order. */
export interface Undelivered {
  /** Deliveries that were sent (or about to be) and not confirmed: they must be resent as they were. */
  intents: Array<Intent & { events: JournaledEvent[] }>;
  /** Events in no delivery yet. */
  events: JournaledEvent[];
}

type Line =
  | { journal: string; seq: number }
  | { seq: number; project: number; action: AnnotationEvent['action']; annotations: number }
  | { intent: number; from: number; to: number }
  | { delivered: number; to: number };

const FILE = 'events.journal';
/** Rewritten without what was delivered once it grows past this. */
const COMPACT_BYTES = 16 * 1024 * 1024;

/**
 * An append-only, fsync'd file of the events the receiver acknowledged, so an event answered 202
 * survives the receiver (a crash, a restart, Temporal unreachable for a while). Lines: the journal's
 * id (its deliveries name it, so the pipeline can drop one it already counted), each event with its
 * sequence number, each delivery's intent (written before it is sent) and its confirmation. Writes
 * are serialized and grouped: every write waiting while an fsync runs shares the next one.
 */
export class EventJournal {
  private constructor(
    private readonly dir: string,
    private file: FileHandle,
    private size: number,
    /** The journal's identity: deliveries carry it with their last sequence number. */
    readonly id: string,
    private seq: number,
    private readonly state: JournalState,
  ) {}

  static async open(dir: string): Promise<EventJournal> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, FILE);
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? '' : Promise.reject(err)));
    const state = JournalState.read(text);
    const journal = new EventJournal(dir, await open(path, 'a'), 0, state.id ?? randomUUID(), state.lastSeq, state);
    await journal.compact(); // also writes the header of a new journal
    return journal;
  }

  /** Everything not yet confirmed by Temporal, to resend on startup. */
  undelivered(): Undelivered {
    return this.state.undelivered();
  }

  /** Durable once this resolves: the receiver may answer 202. */
  async append(event: AnnotationEvent): Promise<number> {
    const seq = ++this.seq;
    this.state.add({ seq, event });
    await this.write({ seq, project: event.project, action: event.action, annotations: event.annotations }, true);
    return seq;
  }

  /** Before a delivery is sent: after a crash it is resent exactly, never merged with later events. */
  async intend(intent: Intent): Promise<void> {
    this.state.intend(intent);
    await this.write({ intent: intent.project, from: intent.from, to: intent.to }, true);
  }

  /** Temporal confirmed the delivery. Not fsync'd: a lost confirmation only resends a delivery the pipeline drops. */
  async delivered(project: number, to: number): Promise<void> {
    this.state.deliver(project, to);
    await this.write({ delivered: project, to }, false);
    if (this.size > COMPACT_BYTES) await this.compact();
  }

  close(): Promise<void> {
    return this.queue.then(() => this.file.close());
  }

  private queue: Promise<void> = Promise.resolve();
  private batch: { text: string; sync: boolean; done: Array<() => void>; failed: Array<(err: unknown) => void> } | null = null;

  /** Appends a line; lines arriving while a write runs go out together in the next one. */
  private write(line: Line, sync: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.batch) {
        const batch = (this.batch = { text: '', sync: false, done: [] as Array<() => void>, failed: [] as Array<(err: unknown) => void> });
        this.queue = this.queue.then(async () => {
          this.batch = null;
          try {
            await this.file.appendFile(batch.text);
            if (batch.sync) await this.file.datasync();
            this.size += Buffer.byteLength(batch.text);
            batch.done.forEach((d) => d());
          } catch (err) {
            batch.failed.forEach((f) => f(err));
          }
        });
      }
      this.batch.text += `${JSON.stringify(line)}\n`;
      this.batch.sync ||= sync;
      this.batch.done.push(resolve);
      this.batch.failed.push(reject);
    });
  }

  /** Rewrites the file with only what is undelivered (in a new file renamed over the old one, so a crash leaves one or the other). */
  private compact(): Promise<void> {
    const run = async () => {
      const path = join(this.dir, FILE);
      const lines: Line[] = [{ journal: this.id, seq: this.seq }];
      const { intents, events } = this.state.undelivered();
      for (const intent of intents) {
        for (const { seq, event } of intent.events) lines.push({ seq, project: event.project, action: event.action, annotations: event.annotations });
        lines.push({ intent: intent.project, from: intent.from, to: intent.to });
      }
      for (const { seq, event } of events) lines.push({ seq, project: event.project, action: event.action, annotations: event.annotations });
      const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
      const next = await open(`${path}.next`, 'w');
      try {
        await next.writeFile(text);
        await next.datasync();
      } finally {
        await next.close();
      }
      await rename(`${path}.next`, path);
      const dir = await open(this.dir, 'r');
      await dir.datasync().finally(() => dir.close()); // the rename itself survives a crash
      await this.file.close();
      this.file = await open(path, 'a');
      this.size = Buffer.byteLength(text);
    };
    const done = this.queue.then(run);
    this.queue = done.catch(() => undefined);
    return done;
  }
}

/** The journal's undelivered content in memory: events and open intents. */
class JournalState {
  id: string | undefined;
  lastSeq = 0;
  private readonly events = new Map<number, JournaledEvent>();
  private readonly intents = new Map<number, Intent>(); // by its last sequence number

  static read(text: string): JournalState {
    const state = new JournalState();
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        continue; // a line torn by a crash mid-write was never acknowledged
      }
      if ('journal' in line) {
        state.id = line.journal;
        state.lastSeq = Math.max(state.lastSeq, line.seq);
      } else if ('action' in line) {
        state.add({ seq: line.seq, event: { project: line.project, action: line.action, annotations: line.annotations } });
        state.lastSeq = Math.max(state.lastSeq, line.seq);
      } else if ('intent' in line) state.intend({ project: line.intent, from: line.from, to: line.to });
      else if ('delivered' in line) state.deliver(line.delivered, line.to);
    }
    return state;
  }

  add(e: JournaledEvent): void {
    this.events.set(e.seq, e);
  }

  intend(intent: Intent): void {
    this.intents.set(intent.to, intent);
  }

  deliver(project: number, to: number): void {
    for (const [seq, e] of this.events) if (e.event.project === project && seq <= to) this.events.delete(seq);
    for (const [last, intent] of this.intents) if (intent.project === project && last <= to) this.intents.delete(last);
  }

  undelivered(): Undelivered {
    const events = [...this.events.values()].sort((a, b) => a.seq - b.seq);
    const intents = [...this.intents.values()]
      .sort((a, b) => a.to - b.to)
      .map((intent) => ({ ...intent, events: events.filter((e) => e.event.project === intent.project && e.seq >= intent.from && e.seq <= intent.to) }));
    const inIntent = new Set(intents.flatMap((i) => i.events.map((e) => e.seq)));
    return { intents, events: events.filter((e) => !inIntent.has(e.seq)) };
  }
}

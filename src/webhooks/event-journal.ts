import { randomUUID } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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
/** Rewritten without what was delivered once it grows past this (or half the byte bound, if lower). */
const COMPACT_BYTES = 16 * 1024 * 1024;
/** Our lines are under 200 bytes: a longer one is damage, skipped without being held in memory. */
const MAX_LINE_BYTES = 64 * 1024;
export const DEFAULT_JOURNAL_MAX_EVENTS = 500_000;
export const DEFAULT_JOURNAL_MAX_BYTES = 128 * 1024 * 1024;

export interface JournalBounds {
  /** Undelivered events it holds at most: past it, new events are refused, not acknowledged. */
  maxEvents?: number;
  /** Bytes its file holds at most: likewise. */
  maxBytes?: number;
  /** Told of what the journal survived: corrupt lines skipped on opening, a failed compaction. */
  warn?: (message: string) => void;
}

/** The journal holds as much as it may: the event was not recorded, and the sender must try later. */
export class JournalFullError extends Error {
  override readonly name = 'JournalFullError';
}

/**
 * An append-only, fsync'd file of the events the receiver acknowledged, so an event answered 202
 * survives the receiver (a crash, a restart, Temporal unreachable for a while). Lines: the journal's
 * id (its deliveries name it, so the pipeline can drop one it already counted), each event with its
 * sequence number, each delivery's intent (written before it is sent) and its confirmation. Writes
 * are serialized and grouped: every write waiting while an fsync runs shares the next one. Bounded in
 * events and bytes: an event past the bound is refused before it is acknowledged, never dropped after.
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
    private readonly maxEvents: number,
    private readonly maxBytes: number,
    private readonly warn: (message: string) => void,
  ) {}

  static async open(dir: string, bounds: JournalBounds = {}): Promise<EventJournal> {
    await makeDirectory(dir);
    const path = join(dir, FILE);
    const warn = bounds.warn ?? (() => undefined);
    const { state, corrupt } = await JournalState.read(path);
    if (corrupt.count > 0) {
      warn(`journal ${path}: skipped ${corrupt.count} line(s) that do not parse (first at line ${corrupt.first}); a torn last line is a write cut short by a crash, never acknowledged`);
    }
    const maxEvents = bounds.maxEvents ?? DEFAULT_JOURNAL_MAX_EVENTS;
    const maxBytes = bounds.maxBytes ?? DEFAULT_JOURNAL_MAX_BYTES;
    const journal = new EventJournal(dir, await open(path, 'a'), 0, state.id ?? randomUUID(), state.lastSeq, state, maxEvents, maxBytes, warn);
    // Also writes the header of a new journal; a journal that cannot be rewritten here is not used.
    const failed = await journal.compact();
    if (failed) {
      await journal.file.close();
      throw failed;
    }
    return journal;
  }

  /** Everything not yet confirmed by Temporal, to resend on startup. */
  undelivered(): Undelivered {
    return this.state.undelivered();
  }

  /** Durable once this resolves: the receiver may answer 202. Throws JournalFullError past the bounds. */
  async append(event: AnnotationEvent): Promise<number> {
    const written = this.size + (this.batch ? Buffer.byteLength(this.batch.text) : 0);
    if (this.state.count >= this.maxEvents) throw new JournalFullError(`the journal holds ${this.state.count} undelivered events, its bound`);
    if (written >= this.maxBytes) throw new JournalFullError(`the journal file holds ${written} bytes, its bound is ${this.maxBytes}`);
    const seq = ++this.seq;
    this.state.add({ seq, event });
    try {
      await this.write({ seq, project: event.project, action: event.action, annotations: event.annotations }, true);
    } catch (err) {
      this.state.remove(seq); // not acknowledged: not delivered either
      throw err;
    }
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
    if (this.size > Math.min(COMPACT_BYTES, this.maxBytes / 2)) {
      const failed = await this.compact();
      if (failed) this.warn(`journal ${join(this.dir, FILE)}: could not rewrite it without the delivered events (${describe(failed)}); it stays as it was and in use`);
    }
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

  /**
   * Rewrites the file with only what is undelivered: in a new file renamed over the old one, so a
   * crash leaves one or the other. The new file's handle is the one appended to after the rename;
   * until then the old one stays open, so a rewrite that fails leaves the journal as it was, in use.
   * Resolves with the error of a failed rewrite (nothing else is affected by it).
   */
  private compact(): Promise<Error | undefined> {
    const run = async (): Promise<Error | undefined> => {
      const path = join(this.dir, FILE);
      const lines: Line[] = [{ journal: this.id, seq: this.seq }];
      const { intents, events } = this.state.undelivered();
      for (const intent of intents) {
        for (const { seq, event } of intent.events) lines.push({ seq, project: event.project, action: event.action, annotations: event.annotations });
        lines.push({ intent: intent.project, from: intent.from, to: intent.to });
      }
      for (const { seq, event } of events) lines.push({ seq, project: event.project, action: event.action, annotations: event.annotations });
      const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
      let next: FileHandle | undefined;
      try {
        next = await open(`${path}.next`, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND);
        await next.writeFile(text);
        await next.datasync();
        await rename(`${path}.next`, path);
      } catch (err) {
        await next?.close().catch(() => undefined);
        if (next) await unlink(`${path}.next`).catch(() => undefined);
        return err as Error;
      }
      const old = this.file;
      this.file = next;
      this.size = Buffer.byteLength(text);
      await old.close().catch(() => undefined);
      const dir = await open(this.dir, 'r').catch(() => undefined);
      await dir?.datasync().finally(() => dir.close()).catch(() => undefined); // the rename itself survives a crash, where the file system allows
      return undefined;
    };
    const done = this.queue.then(run);
    this.queue = done.then(() => undefined);
    return done;
  }
}

/**
 * Creates the directory and its missing parents one at a time: Node's recursive mkdir spun forever
 * on a path it could not create (under /proc), where this fails with the reason.
 */
async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const found = await stat(at).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
    if (found) {
      if (!found.isDirectory()) throw Object.assign(new Error(`${at} is not a directory`), { code: 'ENOTDIR' });
      break;
    }
    if (dirname(at) === at) break;
    missing.unshift(at);
  }
  for (const at of missing) await mkdir(at).catch((err: NodeJS.ErrnoException) => (err.code === 'EEXIST' ? undefined : Promise.reject(err)));
}

/**
 * Checks that `dir` can hold a journal (created if missing, writable), without reading one: a CLI
 * checks its --journal this way before reaching Temporal.
 */
export async function checkJournalDirectory(dir: string): Promise<void> {
  await makeDirectory(dir);
  await access(dir, constants.W_OK | constants.X_OK);
  const existing = await stat(join(dir, FILE)).catch(() => undefined);
  if (existing) await access(join(dir, FILE), constants.R_OK | constants.W_OK);
}

const describe = (err: Error) => (err as NodeJS.ErrnoException).code ?? err.message;

/** The file's lines, streamed (a journal may be larger than a string can be); an overlong line comes as undefined. */
async function* linesOf(path: string): AsyncGenerator<string | undefined> {
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  let parts: Buffer[] = [];
  let length = 0;
  let overlong = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
        if (!overlong && length + nl - from <= MAX_LINE_BYTES) yield Buffer.concat([...parts, chunk.subarray(from, nl)]).toString('utf8');
        else yield undefined;
        parts = [];
        length = 0;
        overlong = false;
        from = nl + 1;
      }
      const rest = chunk.length - from;
      if (overlong || length + rest > MAX_LINE_BYTES) {
        overlong = true;
        parts = [];
      } else if (rest > 0) parts.push(chunk.subarray(from));
      length += rest;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (length > 0) yield overlong ? undefined : Buffer.concat(parts).toString('utf8');
}

/** The journal's undelivered content in memory: events and open intents. */
class JournalState {
  id: string | undefined;
  lastSeq = 0;
  private readonly events = new Map<number, JournaledEvent>();
  private readonly intents = new Map<number, Intent>(); // by its last sequence number

  /** Reads the file line by line; lines that do not parse are counted and skipped. */
  static async read(path: string): Promise<{ state: JournalState; corrupt: { count: number; first?: number } }> {
    const state = new JournalState();
    const corrupt: { count: number; first?: number } = { count: 0 };
    let number = 0;
    for await (const raw of linesOf(path)) {
      number++;
      if (raw === '') continue;
      const line = raw === undefined ? undefined : parseLine(raw);
      if (!line) {
        corrupt.count++;
        corrupt.first ??= number;
        continue;
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
    return { state, corrupt };
  }

  get count(): number {
    return this.events.size;
  }

  add(e: JournaledEvent): void {
    this.events.set(e.seq, e);
  }

  remove(seq: number): void {
    this.events.delete(seq);
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

/** One of our lines, or undefined for anything else (a torn write, damage). */
function parseLine(raw: string): Line | undefined {
  let line: unknown;
  try {
    line = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof line !== 'object' || line === null) return undefined;
  const has = (...keys: string[]) => keys.every((k) => k in line);
  return has('journal', 'seq') || has('seq', 'project', 'action', 'annotations') || has('intent', 'from', 'to') || has('delivered', 'to') ? (line as Line) : undefined;
}

// Which keys a sync should have written, and what the target holds against them. Label Studio names each
// export object after its annotation id, or after its task id where it writes one object per task
// (FUTURE_SAVE_TASK_TO_STORAGE, with ".json" unless FUTURE_SAVE_TASK_TO_STORAGE_JSON_EXT=false), under the
// storage's prefix (io_storages base_models ExportStorageLink.get_key).
import type { TaskPage } from '../labelstudio/project-tasks';

/** How Label Studio names export objects: per annotation id (its default), per task id with or without ".json". */
export const KEY_LAYOUTS = ['annotation', 'task.json', 'task'] as const;
export type KeyLayout = (typeof KEY_LAYOUTS)[number];

/** Missing keys named in a report; the rest are counted. */
export const MISSING_KEYS_NAMED = 20;

/** What the key-level check found; it goes into history, so it names keys but no address or credential. */
export interface KeyCheck {
  /** Where the keys were listed, e.g. `s3 bucket "b" under "exports/"`. */
  target: string;
  layout: KeyLayout;
  /** The sync's start by Label Studio's clock (meta.time_queued): annotations made later are not expected. Null: none known, all expected. */
  since: string | null;
  /** Keys the sync should have written (annotations, or tasks with annotations, that existed at its start). */
  expected: number;
  /** Of those, how many the target holds. */
  found: number;
  missing: number;
  /** The first missing keys, in id order (at most MISSING_KEYS_NAMED). */
  missingKeys: string[];
  /** Keys at the target that no annotation (or task) of the project names: left by deleted annotations or other writers. */
  stale: number;
  /** What the check cost: requests to Label Studio and to the target, and how long it took. */
  cost: { labelStudioRequests: number; targetRequests: number; durationMs: number };
}

/** The keys of a project's annotations, built page by page from Label Studio's task list. */
export class ExportKeyIndex {
  /** Keys whose object the sync should have written. */
  readonly expected = new Set<string>();
  /** Keys of every annotation (or task) listed, whenever it was made: not stale at the target. */
  readonly known = new Set<string>();
  private readonly sinceMs: number | null;

  constructor(readonly layout: KeyLayout, readonly since: string | null) {
    const parsed = since === null ? NaN : Date.parse(since);
    this.sinceMs = Number.isNaN(parsed) ? null : parsed;
  }

  add(tasks: TaskPage['tasks']): void {
    for (const task of tasks) {
      for (const annotation of task.annotations) {
        const key = this.layout === 'annotation' ? String(annotation.id) : `${task.id}${this.layout === 'task.json' ? '.json' : ''}`;
        this.known.add(key);
        if (this.existedAtStart(annotation.createdAt)) this.expected.add(key);
      }
    }
  }

  /** An annotation without a readable creation time is expected: better a false alarm than a hidden loss. */
  private existedAtStart(createdAt: string | null): boolean {
    if (this.sinceMs === null || createdAt === null) return true;
    const created = Date.parse(createdAt);
    return Number.isNaN(created) || created <= this.sinceMs;
  }
}

/** Compares the target's keys, read page by page, with the index. */
export class KeyComparison {
  private readonly seen = new Set<string>();
  private readonly stale = new Set<string>();

  constructor(private readonly index: ExportKeyIndex) {}

  /** One listing page; a key listed twice (Redis SCAN may) counts once. */
  add(keys: readonly string[]): void {
    for (const key of keys) {
      if (this.index.expected.has(key)) this.seen.add(key);
      else if (!this.index.known.has(key)) this.stale.add(key);
    }
  }

  result(target: string, cost: KeyCheck['cost']): KeyCheck {
    const missing: string[] = [];
    for (const key of this.index.expected) if (!this.seen.has(key)) missing.push(key);
    missing.sort(byId);
    return {
      target,
      layout: this.index.layout,
      since: this.index.since,
      expected: this.index.expected.size,
      found: this.seen.size,
      missing: missing.length,
      missingKeys: missing.slice(0, MISSING_KEYS_NAMED),
      stale: this.stale.size,
      cost,
    };
  }
}

/** Numeric ids in numeric order, whatever their suffix. */
function byId(a: string, b: string): number {
  return parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b);
}

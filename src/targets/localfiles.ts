// Label Studio's localfiles export writes one file per annotation straight into the storage's folder.
import { opendir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { RootMapping } from './target-config';
import type { TargetListing } from './target-count';

/** Files read from the folder per page: the listing heartbeats between pages. */
const PAGE = 1000;

/** The names of the regular files directly in the folder, a page at a time. */
export function listLocalFiles(path: string, roots: readonly RootMapping[]): TargetListing {
  return { target: `folder ${JSON.stringify(path)}`, pages: filePages(workerPath(path, roots)) };
}

async function* filePages(folder: string): AsyncGenerator<string[]> {
  let page: string[] = [];
  for await (const entry of await opendir(folder)) {
    if (!entry.isFile()) continue;
    page.push(entry.name);
    if (page.length === PAGE) {
      yield page;
      page = [];
    }
  }
  yield page;
}

/** Label Studio's path as this worker sees it: the longest matching root mapping wins; none means the same path. */
export function workerPath(path: string, roots: readonly RootMapping[]): string {
  const normalized = posix.normalize(path);
  const root = roots
    .filter((r) => normalized === r.labelStudio || normalized.startsWith(`${r.labelStudio}/`))
    .sort((a, b) => b.labelStudio.length - a.labelStudio.length)[0];
  return root ? join(root.worker, normalized.slice(root.labelStudio.length)) : normalized;
}

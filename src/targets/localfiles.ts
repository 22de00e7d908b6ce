// Label Studio's localfiles export writes one file per annotation straight into the storage's folder.
import { opendir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { RootMapping } from './target-config';
import type { TargetCount } from './target-count';

/** Regular files directly in the folder (a sub-folder is not an export), read as a stream: folders get large. */
export async function countLocalFiles(path: string, roots: readonly RootMapping[]): Promise<TargetCount> {
  let objects = 0;
  for await (const entry of await opendir(workerPath(path, roots))) if (entry.isFile()) objects += 1;
  return { target: `folder ${JSON.stringify(path)}`, objects };
}

/** Label Studio's path as this worker sees it: the longest matching root mapping wins; none means the same path. */
export function workerPath(path: string, roots: readonly RootMapping[]): string {
  const normalized = posix.normalize(path);
  const root = roots
    .filter((r) => normalized === r.labelStudio || normalized.startsWith(`${r.labelStudio}/`))
    .sort((a, b) => b.labelStudio.length - a.labelStudio.length)[0];
  return root ? join(root.worker, normalized.slice(root.labelStudio.length)) : normalized;
}

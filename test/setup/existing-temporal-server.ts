import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { provideTemporalServer } from './temporal-server';

/** The audit reopens the database the main suite left behind. */
export default function setup(project: TestProject): Promise<() => Promise<void>> {
  return provideTemporalServer(project);
}

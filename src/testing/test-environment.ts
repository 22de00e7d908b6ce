import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';

export interface TestEnvironmentOptions {
  /**
   * The Temporal CLI binary that serves the dev server. Default: TEMPORAL_CLI_PATH, else the SDK's own
   * cached download (which needs the internet on first use).
   */
  temporalCliPath?: string;
}

/**
 * A local Temporal dev server for users' tests, with this package's search attributes registered (the
 * sync workflows set them, and a server that lacks them fails those workflows). Call teardown() after.
 */
export function createTestEnvironment(options: TestEnvironmentOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<TestWorkflowEnvironment> {
  const path = options.temporalCliPath ?? (env.TEMPORAL_CLI_PATH?.trim() || undefined);
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: path ? { type: 'existing-path', path } : undefined,
      searchAttributes: [...SEARCH_ATTRIBUTE_KEYS],
    },
  });
}

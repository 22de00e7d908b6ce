import { afterAll, beforeAll, inject } from 'vitest';
import { connectionEnvPrefix } from '../../src/config/label-studio-connections';
import { LabelStudioSimulator, type SimulatorOptions } from '../../src/simulator';
import { rememberSecret } from './secrets';
import { labelStudioConnection, startTestWorker, TEST_CONNECTION, type TestTemporal, type TestWorkerOptions } from './temporal';

/** A simulator whose keys and address are recorded for the history audit. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<LabelStudioSimulator> {
  const sim = await LabelStudioSimulator.start(options);
  rememberSecret(sim.legacyToken, sim.personalAccessToken, new URL(sim.url).host);
  return sim;
}

/** A test worker whose one connection (this file's TEST_CONNECTION) reaches the simulator with its legacy token. */
export function startWorkerFor(sim: LabelStudioSimulator, options?: TestWorkerOptions): Promise<TestTemporal> {
  return startTestWorker([labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken)], options);
}

/** The CLI's environment: the run's Temporal server, and this file's connection reaching the simulator. */
export function cliEnvFor(sim: LabelStudioSimulator, taskQueue: string): Record<string, string> {
  const prefix = connectionEnvPrefix(TEST_CONNECTION);
  return {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    LABEL_STUDIO_CONNECTIONS: TEST_CONNECTION,
    [`${prefix}URL`]: sim.url,
    [`${prefix}API_KEY`]: sim.legacyToken,
    LABEL_STUDIO_TEMPORAL_TASK_QUEUE: taskQueue,
  };
}

/** For a describe block: a simulator and a worker reaching it, started before its tests and stopped after. */
export function simulatedLabelStudioPerFile(options: SimulatorOptions = {}): { sim: LabelStudioSimulator; t: TestTemporal } {
  const env = {} as { sim: LabelStudioSimulator; t: TestTemporal };
  beforeAll(async () => {
    env.sim = await startSimulator(options);
    env.t = await startWorkerFor(env.sim);
  });
  afterAll(async () => {
    await env.t?.close();
    await env.sim?.close();
  });
  return env;
}

/** The CLI's flags for quick syncs in tests: checks at the 1 s floor, one attempt. */
export const FAST_CLI_SYNC = ['--poll-initial', '1s', '--poll-max', '1s', '--retry-backoff', '100ms', '--max-attempts', '1'];

/** For a describe block that runs the CLI: a simulator, a worker reaching it, and the CLI's environment for both. */
export function cliSuitePerFile(): { sim: LabelStudioSimulator; t: TestTemporal; env: Record<string, string> } {
  const suite = simulatedLabelStudioPerFile() as { sim: LabelStudioSimulator; t: TestTemporal; env: Record<string, string> };
  beforeAll(() => {
    suite.env = cliEnvFor(suite.sim, suite.t.taskQueue);
  });
  return suite;
}

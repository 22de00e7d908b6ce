import { afterAll, beforeAll } from 'vitest';
import { LabelStudioSimulator, type SimulatorOptions } from '../../src/simulator';
import { rememberSecret } from './secrets';
import { labelStudioConnection, startTestWorker, TEST_CONNECTION, type TestTemporal } from './temporal';

/** A simulator whose keys and address are recorded for the history audit. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<LabelStudioSimulator> {
  const sim = await LabelStudioSimulator.start(options);
  rememberSecret(sim.legacyToken, sim.personalAccessToken, new URL(sim.url).host);
  return sim;
}

/** A test worker whose one connection (this file's TEST_CONNECTION) reaches the simulator with its legacy token. */
export function startWorkerFor(sim: LabelStudioSimulator): Promise<TestTemporal> {
  return startTestWorker([labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken)]);
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

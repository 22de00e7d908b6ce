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

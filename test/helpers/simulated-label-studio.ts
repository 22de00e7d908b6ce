import { LabelStudioSimulator, type SimulatorOptions } from '../../src/simulator';
import { rememberSecret } from './secrets';

/** A simulator whose keys and address are recorded for the history audit. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<LabelStudioSimulator> {
  const sim = await LabelStudioSimulator.start(options);
  rememberSecret(sim.legacyToken, sim.personalAccessToken, new URL(sim.url).host);
  return sim;
}

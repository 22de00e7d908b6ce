import { Command, Option } from 'commander';
import type { VerifyTarget } from '../../schema/sync-input';

export interface DemoOptions {
  verifyTarget?: VerifyTarget;
  keep?: boolean;
  json?: boolean;
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('Run one sync end to end on an embedded Temporal dev server: of a local demo Label Studio, or of your storage when LABEL_STUDIO_URL is set')
    .argument('[type]', 'your export storage type (needs LABEL_STUDIO_URL); default LABEL_STUDIO_STORAGE_TYPE')
    .argument('[id]', 'your export storage id; default LABEL_STUDIO_STORAGE_ID')
    .addOption(new Option('--verify-target <policy>', 'count the objects at the target afterwards (default: strict for the local demo, off for your storage)').choices(['off', 'warn', 'strict']))
    .option('--keep', 'keep Label Studio and Temporal running after the sync, until Ctrl-C')
    .option('--json', 'print the report as JSON on stdout')
    .action(async (type: string | undefined, id: string | undefined, options: DemoOptions) => {
      const { runDemo } = await import('../actions/demo.js');
      process.exitCode = await runDemo(type, id, options);
    });
}

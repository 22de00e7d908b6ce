import { Command } from 'commander';
import { STORAGE_TYPES } from '../../labelstudio/storage-types';
import { MAX_PRIORITY_KEY } from '../../workflows/task-priority';
import { addPolicyOptions, type PolicyFlags } from './policy-options';
import { wholeNumber } from './whole-number';
import { workerOption, type WorkerChoice } from './worker-option';

export interface SyncOptions extends PolicyFlags {
  connection: string;
  json?: boolean;
  detach?: boolean;
  worker: WorkerChoice;
  searchAttributes: boolean;
  priority?: number;
}

export function syncCommand(): Command {
  const command = new Command('sync')
    .description('Run one export-storage sync as a Temporal workflow and print its report')
    .argument('<type>', `storage type: ${STORAGE_TYPES.join(', ')}`)
    .argument('<id>', 'export storage id', wholeNumber(1))
    .option('-c, --connection <name>', 'Label Studio connection configured on the worker', 'default')
    .option('--json', 'print the report as JSON on stdout')
    .option('--detach', 'start (or join) the workflow, print its id and exit')
    .addOption(workerOption())
    .option('--no-search-attributes', 'start without the LabelStudioStorage search attribute')
    .option('--priority <n>', `Temporal task priority, 1 (first) to ${MAX_PRIORITY_KEY} (default 2: ahead of fan-out and scheduled syncs)`, wholeNumber(1, MAX_PRIORITY_KEY))
    .action(async (type: string, id: number, options: SyncOptions) => {
      const { runSync } = await import('../actions/sync.js');
      process.exitCode = await runSync(type, id, options);
    });
  return addPolicyOptions(command);
}

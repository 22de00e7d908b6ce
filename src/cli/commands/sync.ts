import { Command } from 'commander';
import { startStorageSync } from '../../client/sync-client';
import { STORAGE_TYPES, type StorageType } from '../../labelstudio/storage-types';
import { checkSyncInput } from '../../client/check-input';
import type { SyncExportStorageInput } from '../../schema/sync-input';
import { ExitCode, type ExitCodeValue } from '../exit-codes';
import { followSyncToTheEnd } from '../follow-sync';
import { checkJoinedSync } from '../joined-sync';
import { openTemporalSession } from '../temporal-session';
import { MAX_PRIORITY_KEY } from '../../workflows/task-priority';
import { addPolicyOptions, policyFrom, type PolicyFlags } from './policy-options';
import { wholeNumber } from './whole-number';
import { workerOption, type WorkerChoice } from './worker-option';

interface SyncOptions extends PolicyFlags {
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
      process.exitCode = await runSync(type, id, options);
    });
  return addPolicyOptions(command);
}

function toInput(type: string, id: number, o: SyncOptions): SyncExportStorageInput {
  // The type is checked by the workflow's own input check, with a clear message.
  return { connection: o.connection, storageType: type as StorageType, storageId: id, policy: policyFrom(o) };
}

async function runSync(type: string, id: number, options: SyncOptions): Promise<ExitCodeValue> {
  const input = toInput(type, id, options);
  checkSyncInput(input); // bad input fails before a server is started or reached
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const session = await openTemporalSession({ worker: options.worker, log: err, requireWorker: !options.detach, ownTaskQueue: !options.detach });
  try {
    const started = await startStorageSync(session.client, input, {
      taskQueue: session.taskQueue,
      searchAttributes: options.searchAttributes,
      priority: options.priority,
    });
    err(`${started.joined ? 'joined the running' : 'started'} workflow ${started.workflowId}`);
    if (options.detach) {
      process.stdout.write(options.json ? `${JSON.stringify({ workflowId: started.workflowId, joined: started.joined })}\n` : `${started.workflowId}\n`);
      return ExitCode.Ok;
    }
    await checkJoinedSync(session, started, err);
    return await followSyncToTheEnd(started, Boolean(options.json), session.cancelGraceMs, err);
  } finally {
    await session.close();
  }
}

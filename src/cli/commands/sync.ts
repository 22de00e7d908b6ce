import { Command, Option } from 'commander';
import { awaitSyncReport, startStorageSync } from '../../client/sync-client';
import { SyncWorkflowError } from '../../client/sync-failure';
import { STORAGE_TYPES, type StorageType } from '../../labelstudio/storage-types';
import { resolveSyncInput, type SyncExportStorageInput } from '../../workflows/sync-policy';
import { exitCodeForOutcome, ExitCode, type ExitCodeValue } from '../exit-codes';
import { formatReport } from '../format-report';
import { followProgress } from '../progress';
import { openTemporalSession } from '../temporal-session';
import { workerOption, type WorkerChoice } from './worker-option';

interface SyncOptions {
  connection: string;
  json?: boolean;
  detach?: boolean;
  worker: WorkerChoice;
  searchAttributes: boolean;
  pollInitial?: string;
  pollMax?: string;
  pollCoefficient?: string;
  timeout?: string;
  stallTimeout?: string;
  maxAttempts?: string;
  retryBackoff?: string;
  onCompletedWithErrors?: 'fail' | 'warn' | 'retry';
  attach: boolean;
}

export function syncCommand(): Command {
  return new Command('sync')
    .description('Run one export-storage sync as a Temporal workflow and print its report')
    .argument('<type>', `storage type: ${STORAGE_TYPES.join(', ')}`)
    .argument('<id>', 'export storage id')
    .option('-c, --connection <name>', 'Label Studio connection configured on the worker', 'default')
    .option('--json', 'print the report as JSON on stdout')
    .option('--detach', 'start (or join) the workflow, print its id and exit')
    .addOption(workerOption())
    .option('--no-search-attributes', 'start without the LabelStudioStorage search attribute')
    .option('--poll-initial <duration>', 'first poll interval, e.g. 2s')
    .option('--poll-max <duration>', 'longest poll interval, e.g. 1m')
    .option('--poll-coefficient <n>', 'poll backoff coefficient')
    .option('--timeout <duration>', 'overall timeout, e.g. 6h')
    .option('--stall-timeout <duration>', 'fail when the sync shows no progress this long, e.g. 30m')
    .option('--max-attempts <n>', 'syncs to trigger at most when they fail')
    .option('--retry-backoff <duration>', 'first wait between a failed sync and the next')
    .addOption(new Option('--on-completed-with-errors <policy>', 'what completed_with_errors means').choices(['fail', 'warn', 'retry']))
    .option('--no-attach', 'trigger a new sync even when one is already running')
    .action(async (type: string, id: string, options: SyncOptions) => {
      process.exitCode = await runSync(type, id, options);
    });
}

function toInput(type: string, id: string, o: SyncOptions): SyncExportStorageInput {
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  return {
    connection: o.connection,
    storageType: type as StorageType, // validated by the workflow's own input check, with a clear message
    storageId: Number(id),
    policy: {
      poll: { initial: o.pollInitial, max: o.pollMax, coefficient: num(o.pollCoefficient) },
      timeout: o.timeout,
      stallTimeout: o.stallTimeout,
      maxAttempts: num(o.maxAttempts),
      retryBackoff: o.retryBackoff ? { initial: o.retryBackoff } : undefined,
      onCompletedWithErrors: o.onCompletedWithErrors,
      attachToRunning: o.attach,
    },
  };
}

async function runSync(type: string, id: string, options: SyncOptions): Promise<ExitCodeValue> {
  const input = toInput(type, id, options);
  resolveSyncInput(input); // bad input fails before a server is started or reached
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const session = await openTemporalSession({ worker: options.worker, log: err });
  try {
    const started = await startStorageSync(session.client, input, {
      taskQueue: session.taskQueue,
      searchAttributes: options.searchAttributes,
    });
    err(`${started.joined ? 'joined the running' : 'started'} workflow ${started.workflowId}`);
    if (options.detach) {
      process.stdout.write(options.json ? `${JSON.stringify({ workflowId: started.workflowId, joined: started.joined })}\n` : `${started.workflowId}\n`);
      return ExitCode.Ok;
    }
    const stop = followProgress(started.handle, err);
    try {
      const report = await awaitSyncReport(started.handle);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
      return exitCodeForOutcome(report.outcome);
    } catch (e) {
      if (!(e instanceof SyncWorkflowError) || !e.report) throw e;
      process.stdout.write(options.json ? `${JSON.stringify({ error: e.message, failureType: e.failureType, report: e.report }, null, 2)}\n` : `${formatReport(e.report)}\n`);
      throw e;
    } finally {
      stop();
    }
  } finally {
    await session.close();
  }
}

import { Command, Option } from 'commander';
import { DEFAULT_JOURNAL_MAX_BYTES, DEFAULT_JOURNAL_MAX_EVENTS } from '../../webhooks/event-journal';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_PEER,
  DEFAULT_SECRET_HEADER,
} from '../../webhooks/receiver-defaults';
import { addPolicyOptions, type PolicyFlags } from './policy-options';
import { addProjectFilterOptions, type ProjectFilterFlags } from './project-filter-options';
import { wholeNumber } from './whole-number';
import { workerOption, type WorkerChoice } from './worker-option';

export interface ServeFlags extends PolicyFlags, ProjectFilterFlags {
  port: number;
  host: string;
  connection: string;
  secretHeader: string;
  maxBody: number;
  maxConnections: number;
  maxConnectionsPerPeer: number;
  idleTimeout: number;
  journalMaxEvents: number;
  journalMaxBytes: number;
  tlsCert?: string;
  tlsKey?: string;
  journal?: string;
  reconcileEvery?: string;
  endAfterIdle?: string;
  quietPeriod?: string;
  maxWait?: string;
  batchesPerRun?: string;
  downstreamWorkflow?: string;
  downstreamTaskQueue?: string;
  downstreamWhen?: 'all-succeeded' | 'any-succeeded' | 'always';
  worker: WorkerChoice;
  searchAttributes: boolean;
  json?: boolean;
}

/** The secret comes from the environment only: a command-line flag would show in `ps`. */
export const WEBHOOK_SECRET_VARIABLE = 'LABEL_STUDIO_WEBHOOK_SECRET';

export function webhooksCommand(): Command {
  const serve = new Command('serve')
    .description(
      `Receive Label Studio annotation webhooks and run each project's post-annotation pipeline. ` +
        `The shared secret is read from ${WEBHOOK_SECRET_VARIABLE}; add it to the webhook as a custom header. Runs until SIGINT/SIGTERM.`,
    )
    .option('--port <port>', 'port to listen on', wholeNumber(0, 65_535), 8088)
    .option('--host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('-c, --connection <name>', 'Label Studio connection configured on the worker', 'default')
    .option('--secret-header <name>', 'header carrying the shared secret', DEFAULT_SECRET_HEADER)
    .option('--max-body <bytes>', 'refuse larger bodies with 413', wholeNumber(1, 2 ** 31), DEFAULT_MAX_BODY_BYTES)
    .option('--max-connections <n>', 'connections held at most: past it, the oldest idle one is closed for the new one', wholeNumber(1, 1_000_000), DEFAULT_MAX_CONNECTIONS)
    .option('--max-connections-per-peer <n>', 'likewise per client address', wholeNumber(1, 1_000_000), DEFAULT_MAX_CONNECTIONS_PER_PEER)
    .option('--idle-timeout <ms>', 'close a connection with no request in progress after this many milliseconds', wholeNumber(100, 600_000), DEFAULT_IDLE_TIMEOUT_MS)
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (needed whenever Label Studio reaches the receiver over a network: the secret header is sent in clear text otherwise)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--journal <dir>', 'answer 202 once an event is fsync\'d to a journal in this directory (on a persistent volume), deliver it to Temporal in the background and resend what is left after a restart; without it, 202 waits for Temporal')
    .option('--journal-max-events <n>', 'undelivered events the journal holds at most: past it, events are refused with 503 and Retry-After, never acknowledged', wholeNumber(1, 100_000_000), DEFAULT_JOURNAL_MAX_EVENTS)
    .option('--journal-max-bytes <bytes>', 'bytes the journal file holds at most: likewise', wholeNumber(64 * 1024, 2 ** 48), DEFAULT_JOURNAL_MAX_BYTES)
    .option('--quiet-period <duration>', 'sync once no event came for this long (default 30s)')
    .option('--max-wait <duration>', '…or this long after the first event of a batch (default 5m)')
    .option('--reconcile-every <duration>', 'compare the project\'s annotation counters with the last batch this often and sync when they differ, in case a webhook was lost (default 10m)')
    .option('--end-after-idle <duration>', 'end a project\'s pipeline after this long without a batch; the next event starts a new one (default 0: never)')
    .option('--batches-per-run <n>', 'continue-as-new after this many batches (default 50)')
    .option('--downstream-workflow <type>', 'workflow type to start after each sync with the report, e.g. trainModel')
    .option('--downstream-task-queue <queue>', 'its task queue')
    .addOption(new Option('--downstream-when <when>', 'start it after a sync where').choices(['all-succeeded', 'any-succeeded', 'always']))
    .addOption(workerOption())
    .option('--no-search-attributes', 'start pipelines without the LabelStudioProject search attribute')
    .option('--json', 'log one JSON line per request');
  addProjectFilterOptions(serve);
  addPolicyOptions(serve);
  serve.action(async (flags: ServeFlags) => {
    const { serveWebhooks } = await import('../actions/webhooks-serve.js');
    await serveWebhooks(flags);
  });
  return new Command('webhooks').description('The post-annotation pipeline: a webhook receiver for Label Studio').addCommand(serve.exitOverride().showHelpAfterError());
}

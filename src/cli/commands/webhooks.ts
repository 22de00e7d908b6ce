import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { wholeNumber } from './whole-number';
import { ConfigError } from '../../config/config-error';
import { checkPipelineInput } from '../../client/check-input';
import { invalidInput } from '../../schema/invalid-input';
import type { PipelineSync } from '../../workflows/pipeline-types';
import type { WebhookResult } from '../../webhooks';
import { checkJournalDirectory, DEFAULT_JOURNAL_MAX_BYTES, DEFAULT_JOURNAL_MAX_EVENTS } from '../../webhooks/event-journal';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_PEER,
  DEFAULT_SECRET_HEADER,
  MIN_SECRET_LENGTH,
} from '../../webhooks/receiver-options';
import { openTemporalSession } from '../temporal-session';
import { addPolicyOptions, policyFrom, type PolicyFlags } from './policy-options';
import { addProjectFilterOptions, projectFilterFrom, type ProjectFilterFlags } from './project-filter-options';
import { workerOption, type WorkerChoice } from './worker-option';

interface ServeFlags extends PolicyFlags, ProjectFilterFlags {
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
  serve.action(async (flags: ServeFlags) => serveWebhooks(flags));
  return new Command('webhooks').description('The post-annotation pipeline: a webhook receiver for Label Studio').addCommand(serve.exitOverride().showHelpAfterError());
}

async function serveWebhooks(flags: ServeFlags): Promise<void> {
  const secret = process.env[WEBHOOK_SECRET_VARIABLE]?.trim();
  if (!secret || secret.length < MIN_SECRET_LENGTH) {
    const fix = `Set it to a random string of at least ${MIN_SECRET_LENGTH} characters and send it from the Label Studio webhook as a custom header`;
    throw new ConfigError(WEBHOOK_SECRET_VARIABLE, secret ? 'too short' : 'not set', fix);
  }
  const downstream =
    flags.downstreamWorkflow || flags.downstreamTaskQueue
      ? { workflowType: flags.downstreamWorkflow ?? '', taskQueue: flags.downstreamTaskQueue ?? '', when: flags.downstreamWhen }
      : undefined;
  const sync: PipelineSync = { ...projectFilterFrom(flags), policy: policyFrom(flags) };
  const pipeline = {
    quietPeriod: flags.quietPeriod,
    maxWait: flags.maxWait,
    reconcileEvery: flags.reconcileEvery,
    endAfterIdle: flags.endAfterIdle,
    batchesPerRun: flags.batchesPerRun === undefined ? undefined : Number(flags.batchesPerRun),
    sync,
    downstream,
  };
  const tls = await readTls(flags);
  checkPipelineInput({ ...pipeline, connection: flags.connection, project: 1 }); // bad settings fail before a server is started or reached
  if (flags.journal) await checkJournal(flags.journal);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const warn = (message: string) => log(flags.json ? JSON.stringify({ at: new Date().toISOString(), warning: message }) : `warning: ${message}`);
  const { createWebhookReceiver } = await import('../../webhooks/receiver.js'); // loaded by this command only
  const session = await openTemporalSession({ worker: flags.worker, log });
  try {
    const receiver = createWebhookReceiver({
      client: session.client,
      secret,
      secretHeader: flags.secretHeader,
      maxBodyBytes: flags.maxBody,
      maxConnections: flags.maxConnections,
      maxConnectionsPerPeer: flags.maxConnectionsPerPeer,
      idleTimeoutMs: flags.idleTimeout,
      tls,
      journal: flags.journal,
      journalMaxEvents: flags.journalMaxEvents,
      journalMaxBytes: flags.journalMaxBytes,
      onJournalWarning: warn,
      onDeliveryError: (err, project) => log(flags.json ? JSON.stringify({ at: new Date().toISOString(), deliveryError: err.message, project }) : `project ${project}: delivery failed, retrying: ${err.message}`),
      connection: flags.connection,
      taskQueue: session.taskQueue,
      pipeline,
      searchAttributes: flags.searchAttributes,
      onResult: (r) => log(flags.json ? JSON.stringify({ at: new Date().toISOString(), ...r }) : describe(r)),
      onPipelineEnd: (e) => {
        const why = 'end' in e ? `${e.end.ended}: ${e.end.reason}` : `failed: ${e.error.message}`;
        log(flags.json ? JSON.stringify({ at: new Date().toISOString(), pipelineEnded: e.workflowId, project: e.project, ...('end' in e ? { ended: e.end.ended, reason: e.end.reason } : { error: e.error.message }) }) : `project ${e.project}: pipeline ${e.workflowId} ended, ${why}`);
      },
    });
    const url = await receiver.listen(flags.port, flags.host).catch((err: NodeJS.ErrnoException) => {
      if (!err.syscall) throw err; // not the socket's: the journal's own error, say
      throw invalidInput('--host/--port', `${flags.host}:${flags.port} cannot be listened on (${err.code ?? err.message}): give a free port on an address of this host`);
    });
    log(`listening on ${url}; Label Studio webhooks must send the ${flags.secretHeader} header`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    log('stopping');
    await receiver.close();
  } finally {
    await session.close();
  }
}

/** An unusable journal directory fails here, before Temporal is reached, with the reason (exit 3). */
async function checkJournal(dir: string): Promise<void> {
  await checkJournalDirectory(dir).catch((err: NodeJS.ErrnoException) => {
    throw invalidInput('--journal', `${JSON.stringify(dir)} cannot be used as the journal directory (${err.code ?? err.message}): give a writable directory on a persistent volume`);
  });
}

/** Both files or neither: a certificate without its key (or the reverse) is a mistake, not plain HTTP. */
async function readTls(flags: ServeFlags): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (!flags.tlsCert && !flags.tlsKey) return undefined;
  if (!flags.tlsCert || !flags.tlsKey) throw invalidInput(flags.tlsCert ? '--tls-cert' : '--tls-key', 'needs its pair (--tls-cert with --tls-key): give both to serve HTTPS, or neither');
  const read = (flag: string, file: string) =>
    readFile(file).catch((err: NodeJS.ErrnoException) => {
      throw invalidInput(flag, `${JSON.stringify(file)} cannot be read (${err.code ?? err.message})`);
    });
  return { cert: await read('--tls-cert', flags.tlsCert), key: await read('--tls-key', flags.tlsKey) };
}

function describe(r: WebhookResult): string {
  if (r.status === 202) return `202 ${r.action} project ${r.project} → ${r.workflowId} (${r.elapsedMs} ms)`;
  return `${r.status} ${r.reason} (${r.elapsedMs} ms)`;
}

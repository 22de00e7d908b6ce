import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../config/config-error';
import { checkPipelineInput } from '../../client/check-input';
import { invalidInput } from '../../schema/invalid-input';
import type { PipelineSync } from '../../workflows/pipeline-types';
import type { WebhookResult } from '../../webhooks';
import { checkJournalDirectory } from '../../webhooks/event-journal';
import { createWebhookReceiver } from '../../webhooks/receiver';
import { MIN_SECRET_LENGTH } from '../../webhooks/receiver-defaults';
import { policyFrom } from '../commands/policy-options';
import { projectFilterFrom } from '../commands/project-filter-options';
import { WEBHOOK_SECRET_VARIABLE, type ServeFlags } from '../commands/webhooks';
import { openTemporalSession } from '../temporal-session';

/** `webhooks serve`: the webhook receiver on this process, until SIGINT/SIGTERM. */
export async function serveWebhooks(flags: ServeFlags): Promise<void> {
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
    // Listening for the signals before saying so: a supervisor that stops it on that line must not kill it.
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    log(`listening on ${url}; Label Studio webhooks must send the ${flags.secretHeader} header`);
    await stopped;
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

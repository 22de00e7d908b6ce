import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { LabelStudioTemporalClientPlugin } from '../client/client-plugin';
import { loadLabelStudioConnections } from '../config/label-studio-connections';
import { dataConverterFromEnv } from '../config/payload-encryption';
import { taskQueueFromEnv } from '../config/task-queue';
import { loadTemporalConnectConfig } from '../config/temporal-connection';
import { tracingFromEnv } from '../tracing/tracing';
import { assertConnections } from '../worker/connection-check';
import { cancelGraceFromEnv } from './cancel-grace';
import { assertWorkerPolls, checkNamespace } from './temporal-checks';
import { TemporalUnreachableError } from './temporal-unreachable';
import { importWorkerPart } from './worker-not-installed';

export interface TemporalSession {
  client: Client;
  namespace: string;
  /** The configured queue, or with `ownTaskQueue` and a worker here, a queue of this run's own. */
  taskQueue: string;
  /** After a signal, how long to wait for the cancelled workflow's report. */
  cancelGraceMs: number;
  /** Set when this process started its own dev server. */
  uiUrl?: string;
  embedded: boolean;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Run a worker in this process: 'auto' does when Label Studio is configured here or the server is embedded. */
  worker: 'auto' | 'always' | 'never';
  /** Where an embedded dev server keeps its state (in memory when absent). */
  dbFilename?: string;
  log?: (line: string) => void;
  /** Without a worker here, fail fast (NoWorkerError) unless some worker polls the task queue. */
  requireWorker?: boolean;
  /**
   * With a worker here, poll a queue of this run's own, so no other worker (other settings) takes the
   * workflows: only for workflows that end while the command waits; the webhook receiver's pipelines
   * and --detach runs outlive the process and stay on the configured queue.
   */
  ownTaskQueue?: boolean;
}

/** How long the CLI waits for the Temporal server to answer before exiting 4 (the SDK's default; less gave false alarms on a loaded machine). */
const CONNECT_TIMEOUT = '10s';

/**
 * Connects to the Temporal server named by TEMPORAL_ADDRESS (or a profile), or, with none set,
 * starts an embedded dev server so the CLI works with nothing else installed.
 */
export async function openTemporalSession(options: SessionOptions, env: NodeJS.ProcessEnv = process.env): Promise<TemporalSession> {
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const embedded = !env.TEMPORAL_ADDRESS && !env.TEMPORAL_PROFILE;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  const hasLabelStudio = Boolean(env.LABEL_STUDIO_URL || env.LABEL_STUDIO_CONNECTIONS);
  const ownWorker = options.worker === 'always' || (options.worker === 'auto' && (embedded || hasLabelStudio));
  // Loaded only to run a worker here; without the worker packages (a client-only install) this fails first, in one line.
  const cliWorker = ownWorker
    ? await importWorkerPart(workerReason(options.worker, embedded), () => import('./cli-worker.js'), 'pass --worker never and run the worker elsewhere (TEMPORAL_ADDRESS set)')
    : undefined;
  const labelStudio = ownWorker ? loadLabelStudioConnections(env) : undefined; // a configuration error before any server
  // A wrong URL or key ends the command in seconds (exit 5; 4 when Label Studio does not answer), not at the sync's timeout.
  if (labelStudio) await assertConnections(labelStudio);
  // The client and this process's worker encode payloads as every other worker and client does (LST_PAYLOAD_KEY).
  const dataConverter = dataConverterFromEnv(env);
  // LST_TRACING: the sync's trace starts at this client (docs/tracing.md); flushed last, once the worker here stopped.
  const tracing = tracingFromEnv(env);
  if (tracing) closers.push(() => tracing.shutdown());
  const cancelGraceMs = cancelGraceFromEnv(env);
  const taskQueue = ownWorker && options.ownTaskQueue ? `${taskQueueFromEnv(env)}-cli-${randomUUID()}` : taskQueueFromEnv(env);
  try {
    let address: string;
    let namespace: string;
    let uiUrl: string | undefined;
    let connectionOptions: Parameters<typeof Connection.connect>[0] = {};
    if (embedded) {
      log('TEMPORAL_ADDRESS is not set: starting an embedded Temporal dev server…');
      const { startTemporalDevServer } = await import('../local/temporal-dev-server.js');
      const server = await startTemporalDevServer({ dbFilename: options.dbFilename });
      closers.push(() => server.stop());
      address = server.address;
      namespace = server.namespace;
      uiUrl = server.uiUrl;
      log(`Temporal dev server at ${address}; Web UI: ${uiUrl}`);
    } else {
      const config = loadTemporalConnectConfig(env);
      connectionOptions = config.connectionOptions as Parameters<typeof Connection.connect>[0];
      address = config.connectionOptions.address ?? 'localhost:7233';
      namespace = config.namespace ?? 'default';
    }
    const connection = await Connection.connect({ ...connectionOptions, address, connectTimeout: CONNECT_TIMEOUT }).catch((err: unknown) => {
      throw new TemporalUnreachableError(address, err);
    });
    closers.push(() => connection.close());
    const client = new Client({ connection, namespace, plugins: [new LabelStudioTemporalClientPlugin({ dataConverter: dataConverter ?? null, tracing: tracing ?? null })] });
    await checkNamespace(client.workflowService, namespace, address);

    if (cliWorker && labelStudio) {
      closers.push(await cliWorker.startCliWorker({ connectionOptions: { ...(connectionOptions as object), address }, namespace, taskQueue, labelStudio, dataConverter, tracing }));
    } else if (options.requireWorker) {
      await assertWorkerPolls(client, namespace, taskQueue);
    }
    return { client, namespace, taskQueue, cancelGraceMs, uiUrl, embedded, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function workerReason(worker: SessionOptions['worker'], embedded: boolean): string {
  if (worker === 'always') return 'a worker in this process (--worker always)';
  return `a worker in this process (--worker auto, ${embedded ? 'as TEMPORAL_ADDRESS is not set' : 'as LABEL_STUDIO_URL or LABEL_STUDIO_CONNECTIONS is set'})`;
}

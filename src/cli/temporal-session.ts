import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadLabelStudioConnections } from '../config/label-studio-connections';
import { taskQueueFromEnv } from '../config/task-queue';
import { loadTemporalConnectConfig } from '../config/temporal-connection';
import { startTemporalDevServer } from '../local/temporal-dev-server';
import { createSyncWorker } from '../worker/create-worker';

export interface TemporalSession {
  client: Client;
  taskQueue: string;
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
}

/**
 * Connects to the Temporal server named by TEMPORAL_ADDRESS (or a profile), or, with none set,
 * starts an embedded dev server so the CLI works with nothing else installed.
 */
export async function openTemporalSession(options: SessionOptions, env: NodeJS.ProcessEnv = process.env): Promise<TemporalSession> {
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const taskQueue = taskQueueFromEnv(env);
  const embedded = !env.TEMPORAL_ADDRESS && !env.TEMPORAL_PROFILE;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    let address: string;
    let namespace: string;
    let uiUrl: string | undefined;
    let connectionOptions: Parameters<typeof Connection.connect>[0] = {};
    if (embedded) {
      log('TEMPORAL_ADDRESS is not set: starting an embedded Temporal dev server…');
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
    const connection = await Connection.connect({ ...connectionOptions, address });
    closers.push(() => connection.close());
    const client = new Client({ connection, namespace });

    const hasLabelStudio = Boolean(env.LABEL_STUDIO_URL || env.LABEL_STUDIO_CONNECTIONS);
    if (options.worker === 'always' || (options.worker === 'auto' && (embedded || hasLabelStudio))) {
      const labelStudio = loadLabelStudioConnections(env);
      const native = await NativeConnection.connect({ ...(connectionOptions as object), address });
      closers.push(() => native.close());
      const { worker, run } = await createSyncWorker({ connection: native, namespace, taskQueue, labelStudio });
      const running = run();
      closers.push(async () => {
        worker.shutdown();
        await running;
      });
    }
    return { client, taskQueue, uiUrl, embedded, close };
  } catch (err) {
    await close();
    throw err;
  }
}

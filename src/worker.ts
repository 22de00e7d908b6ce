import { NativeConnection } from '@temporalio/worker';
import { exitCodeForError } from './cli/exit-codes';
import { checkNamespace } from './cli/temporal-checks';
import { TemporalUnreachableError } from './cli/temporal-unreachable';
import { ConfigError } from './config/config-error';
import { loadLabelStudioConnections } from './config/label-studio-connections';
import { taskQueueFromEnv } from './config/task-queue';
import { loadTemporalConnectConfig } from './config/temporal-connection';
import { createSyncWorker } from './worker/create-worker';

/**
 * The worker process: configuration from the environment, every workflow and activity of the
 * package registered. Temporal's runtime stops the worker gracefully on SIGINT and SIGTERM.
 */
export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const labelStudio = loadLabelStudioConnections(env);
  const taskQueue = taskQueueFromEnv(env);
  const { connectionOptions, namespace = 'default' } = loadTemporalConnectConfig(env);
  const address = connectionOptions.address ?? 'localhost:7233';
  const connection = await NativeConnection.connect(connectionOptions).catch((err: unknown) => {
    throw new TemporalUnreachableError(address, err);
  });
  try {
    await checkNamespace(connection.workflowService, namespace, address);
    const { run } = await createSyncWorker({ connection, namespace, taskQueue, labelStudio });
    const running = run(); // registers the signal handlers before its first await
    console.error(
      `label-studio-temporal worker: task queue ${taskQueue}, namespace ${namespace}, Label Studio connections: ${[...labelStudio.keys()].join(', ')}`,
    );
    await running;
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  runWorker().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof ConfigError ? `configuration error: ${err.message}` : err);
      process.exit(exitCodeForError(err)); // the CLI's table: 5 configuration, 4 Temporal unreachable, else 1
    },
  );
}

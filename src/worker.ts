import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { exitCodeForError } from './cli/error-exit-code';
import { checkNamespace } from './cli/temporal-checks';
import { TemporalUnreachableError } from './cli/temporal-unreachable';
import { ConfigError } from './config/config-error';
import { loadLabelStudioConnections } from './config/label-studio-connections';
import { loadLineageConfig } from './config/lineage';
import { loadObservabilityConfig } from './config/observability';
import { dataConverterFromEnv } from './config/payload-encryption';
import { taskQueueFromEnv } from './config/task-queue';
import { loadTemporalConnectConfig } from './config/temporal-connection';
import { workerDeploymentFromEnv } from './config/worker-deployment';
import { LabelStudioClientRegistry } from './labelstudio/client-registry';
import { observeAll } from './labelstudio/request-observer';
import { ConnectionMonitor } from './worker/connection-monitor';
import { createSyncWorker } from './worker/create-worker';
import { startHealthServer } from './worker/health';
import { createLogger } from './worker/logging';
import { labelStudioRequestMetrics } from './worker/metrics';
import { runtimeOptions } from './worker/runtime';
import { workerTuningFromEnv } from './worker/tuning';
import { startTracing } from './tracing/tracing';

/**
 * The worker process: configuration from the environment, every workflow and activity of the
 * package registered. Temporal's runtime stops the worker gracefully on SIGINT and SIGTERM.
 * Logs, metrics, health and tracing as the environment asks (see docs/operating.md).
 */
export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { labelStudio, taskQueue, temporal, observability, dataConverter, lineage, deployment, tuning } = loadWorkerConfig(env);
  const { connectionOptions, namespace = 'default' } = temporal;
  const address = connectionOptions.address ?? 'localhost:7233';
  const logger = createLogger(observability);
  const runtime = Runtime.install(runtimeOptions(observability, logger));
  let worker: Worker | undefined;
  const tracing = startTracing(observability.tracing);
  const observeLabelStudio = labelStudioRequestMetrics(runtime.metricMeter, { namespace, taskQueue });
  // Its own clients: the checks must not wait behind (or hold up) the syncs' connection pools.
  const checkClients = new LabelStudioClientRegistry(labelStudio, observeAll([observeLabelStudio, ...(tracing ? [tracing.observe] : [])]));
  const connections = new ConnectionMonitor(labelStudio, checkClients, logger);
  const health = observability.healthAddress
    ? await startHealthServer(observability.healthAddress, () => worker?.getState(), () => connections.unready())
    : undefined;
  void connections.start(); // logs what fails; the worker polls meanwhile
  try {
    const connection = await NativeConnection.connect(connectionOptions).catch((err: unknown) => {
      throw new TemporalUnreachableError(address, err);
    });
    try {
      await checkNamespace(connection.workflowService, namespace, address);
      const sync = await createSyncWorker({
        connection,
        namespace,
        taskQueue,
        labelStudio,
        lineage,
        deployment,
        observeLabelStudio,
        tracing,
        tuning: { ...tuning, dataConverter },
      });
      worker = sync.worker;
      const running = sync.run(); // registers the signal handlers before its first await
      logger.info(
        { taskQueue, namespace, connections: [...labelStudio.keys()], metrics: observability.metricsAddress ?? null, health: health?.address ?? null, tracing: observability.tracing, payloadEncryption: dataConverter !== undefined, lineage: lineage?.transport ?? 'off', deployment: deployment ?? null },
        `label-studio-temporal worker: task queue ${taskQueue}, namespace ${namespace}, Label Studio connections: ${[...labelStudio.keys()].join(', ')}`,
      );
      await running;
    } finally {
      await connection.close();
    }
  } finally {
    connections.close();
    await checkClients.close();
    await tracing?.shutdown();
    await health?.close();
  }
}

/** Everything the worker process reads from the environment; a ConfigError names what is wrong. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv) {
  return {
    labelStudio: loadLabelStudioConnections(env),
    taskQueue: taskQueueFromEnv(env),
    temporal: loadTemporalConnectConfig(env),
    observability: loadObservabilityConfig(env),
    dataConverter: dataConverterFromEnv(env),
    lineage: loadLineageConfig(env),
    deployment: workerDeploymentFromEnv(env),
    tuning: workerTuningFromEnv(env),
  };
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

// A user's worker and client from the packed package: one sync against the Label Studio named in the
// environment, on the Temporal server named there. Prints the report's outcome and the workflow code used.
const { Client, Connection } = require('@temporalio/client');
const { NativeConnection } = require('@temporalio/worker');
const { runStorageSync } = require('label-studio-temporal');
const { createSyncWorker, workflowBundleOption } = require('label-studio-temporal/worker');

async function main() {
  const env = process.env;
  const address = env.TEMPORAL_ADDRESS;
  const namespace = env.TEMPORAL_NAMESPACE;
  const taskQueue = env.TASK_QUEUE;
  const name = env.CONNECTION;
  const native = await NativeConnection.connect({ address });
  const { worker, run } = await createSyncWorker({
    connection: native,
    namespace,
    taskQueue,
    labelStudio: new Map([[name, { name, baseUrl: env.LABEL_STUDIO_URL, apiKey: env.LABEL_STUDIO_API_KEY, connectTimeoutMs: 2000, responseTimeoutMs: 10000 }]]),
  });
  const running = run();
  const connection = await Connection.connect({ address });
  try {
    const report = await runStorageSync(new Client({ connection, namespace }), { connection: name, storageType: 'gcs', storageId: Number(env.STORAGE_ID) }, { taskQueue });
    console.log(JSON.stringify({ outcome: report.outcome, workflowCode: workflowBundleOption() }));
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await native.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

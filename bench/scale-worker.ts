// One worker process of the scale run (bench/scale-bench.ts starts one or two): the package's worker with its
// default tuning (or SCALE_TUNING, JSON worker options on top of it) and a prebuilt workflow bundle, until SIGTERM.
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { createSyncWorker } from '../src/worker/create-worker';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address: env('SCALE_ADDRESS') });
  const { run } = await createSyncWorker({
    connection,
    namespace: env('SCALE_NAMESPACE'),
    taskQueue: env('SCALE_TASK_QUEUE'),
    labelStudio: new Map([['scale', { name: 'scale', baseUrl: env('SCALE_SIM_URL'), apiKey: env('SCALE_SIM_TOKEN'), connectTimeoutMs: 5_000, responseTimeoutMs: 30_000, requestsPerSecond: budget() }]]),
    tuning: { ...(JSON.parse(process.env.SCALE_TUNING || '{}') as object), workflowBundle: { codePath: env('SCALE_BUNDLE') } },
  });
  process.stdout.write('ready\n');
  // Where the memory is: the peaks of V8's heap, its external memory and the whole RSS, told at exit.
  const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0 };
  const sample = setInterval(() => {
    const now = process.memoryUsage();
    for (const key of Object.keys(peak) as Array<keyof typeof peak>) peak[key] = Math.max(peak[key], now[key]);
  }, 1_000);
  await run();
  clearInterval(sample);
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  console.error(`worker ${process.pid} memory peaks: rss ${mib(peak.rss)}, V8 heap used ${mib(peak.heapUsed)} of ${mib(peak.heapTotal)}, external ${mib(peak.external)}`);
  await connection.close();
}

/** SCALE_BUDGET: requests per second, or `unlimited`. */
function budget(): number | 'unlimited' {
  const value = process.env.SCALE_BUDGET ?? 'unlimited';
  return value === 'unlimited' ? value : Number(value);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

// npm run bench:start [-- <another built cli/main.js>…]: seconds from spawning the built CLI's `sync` to the
// first Label Studio request it makes (a simulator), on a Temporal dev server that is already running, and
// to the CLI's exit. Runs dist/cli/main.js (npm run build first) and any other builds given, RUNS times each.
// Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, relative } from 'node:path';
import { startTemporalDevServer, type RunningDevServer } from '../src/local/temporal-dev-server';
import { LabelStudioSimulator } from '../src/simulator';

const ROOT = join(__dirname, '..');
const RUNS = 5;

interface Start {
  firstRequestS: number;
  exitS: number;
  code: number | null;
}

async function startOnce(cli: string, server: RunningDevServer, sim: LabelStudioSimulator): Promise<Start> {
  const id = sim.addStorage({ type: 'gcs', project: 1, script: [{ status: 'completed', queuedMs: 10, runMs: 10 }] });
  const started = Date.now();
  const child = spawn(process.execPath, [cli, 'sync', 'gcs', String(id), '--json'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      LABEL_STUDIO_URL: sim.url,
      LABEL_STUDIO_API_KEY: sim.legacyToken,
      LABEL_STUDIO_TEMPORAL_TASK_QUEUE: `bench-start-${randomUUID()}`,
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const exitS = (Date.now() - started) / 1000;
  const first = sim.requests.find((r) => r.at >= started && r.path.includes(`/gcs/${id}`));
  return { firstRequestS: first ? (first.at - started) / 1000 : Number.NaN, exitS, code };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const clis = [join(ROOT, 'dist', 'cli', 'main.js'), ...process.argv.slice(2)];
  const server = await startTemporalDevServer({ ui: false });
  const sim = await LabelStudioSimulator.start();
  try {
    console.log(`CLI start: \`sync gcs <id>\` with an in-process worker, ${RUNS} runs each (seconds; a dev server already running)`);
    console.log('| CLI | first Label Studio request: median | min | max | exit: median | exit codes |');
    console.log('|---|---:|---:|---:|---:|---|');
    for (const cli of clis) {
      const runs: Start[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await startOnce(cli, server, sim));
      const first = runs.map((r) => r.firstRequestS);
      console.log(
        `| ${relative(ROOT, cli)} | ${median(first).toFixed(2)} | ${Math.min(...first).toFixed(2)} | ${Math.max(...first).toFixed(2)} | ${median(runs.map((r) => r.exitS)).toFixed(2)} | ${runs.map((r) => r.code).join(' ')} |`,
      );
    }
  } finally {
    await sim.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

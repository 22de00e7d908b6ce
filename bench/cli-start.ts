// npm run bench:start [-- <another built cli/main.js>…]: first the wall time of `--help` and `--version`
// (spawn to exit, milliseconds) and the modules each loads; then seconds from spawning the built CLI's `sync`
// to the first Label Studio request it makes (a simulator), on a Temporal dev server that is already
// running, and to the CLI's exit. Runs dist/cli/main.js (npm run build first) and any other builds given.
// Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startTemporalDevServer, type RunningDevServer } from '../src/local/temporal-dev-server';
import { LabelStudioSimulator } from '../src/simulator';

const ROOT = join(__dirname, '..');
const RUNS = 5;
const QUICK_RUNS = 11;
/** A preload that writes the files of every module the process loaded to LOADED_MODULES. */
const LOADED_MODULES = join(ROOT, 'test', 'helpers', 'loaded-modules.cjs');

/** Milliseconds from spawning `node <cli> <args>` to its exit. */
async function wallMs(cli: string, args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, ...args], { stdio: 'ignore' });
  await once(child, 'close');
  return performance.now() - started;
}

/** The modules `node <cli> <args>` loads, and how many of them are the Temporal worker's. */
async function modulesLoaded(cli: string, args: string[]): Promise<{ total: number; worker: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'lst-bench-modules-'));
  try {
    const record = join(dir, 'loaded.json');
    const child = spawn(process.execPath, ['-r', LOADED_MODULES, cli, ...args], { stdio: 'ignore', env: { ...process.env, LOADED_MODULES: record } });
    await once(child, 'close');
    const loaded = JSON.parse(readFileSync(record, 'utf8')) as string[];
    return { total: loaded.length, worker: loaded.filter((path) => path.includes('/@temporalio/worker/')).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function quickCommands(clis: string[]): Promise<void> {
  console.log(`CLI start: \`--help\` and \`--version\`, ${QUICK_RUNS} runs each (milliseconds, spawn to exit)`);
  console.log('| CLI | command | median | min | max | modules loaded | of them @temporalio/worker |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const cli of clis) {
    for (const args of [['--help'], ['--version']]) {
      const times: number[] = [];
      for (let i = 0; i < QUICK_RUNS; i++) times.push(await wallMs(cli, args));
      const modules = await modulesLoaded(cli, args);
      console.log(`| ${relative(ROOT, cli)} | ${args.join(' ')} | ${median(times).toFixed(0)} | ${Math.min(...times).toFixed(0)} | ${Math.max(...times).toFixed(0)} | ${modules.total} | ${modules.worker} |`);
    }
  }
  console.log('');
}

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
  await quickCommands(clis); // before the dev server starts: nothing else running
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

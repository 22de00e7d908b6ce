import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WORKER_INSTALL_COMMAND } from '../src/cli/worker-not-installed';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { startSimulator } from './helpers/simulated-label-studio';
import { TEST_CONNECTION } from './helpers/temporal';

// The package as a user gets it: built, packed with `npm pack`, unpacked into a project of its own that
// has the Temporal SDK but none of the target SDKs, then imported from ES and CommonJS modules.
const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const exec = promisify(execFile);
const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; bin: Record<string, string> };
// What a client-only project installs next to the package (linked from ours): its dependencies and the
// required peers, the Temporal client; what `npm install label-studio-temporal` gives.
const CLIENT_ONLY_PACKAGES = ['@temporalio/client', '@temporalio/common', '@temporalio/envconfig', '@temporalio/proto', ...Object.keys(MANIFEST.dependencies)];
// The consumer project adds the rest of the Temporal SDK; the target SDKs stay out.
const CONSUMER_PACKAGES = [...CLIENT_ONLY_PACKAGES, '@temporalio/activity', '@temporalio/plugin', '@temporalio/testing', '@temporalio/worker', '@temporalio/workflow', '@types/node'];
// Nothing of the worker may load with the client door.
const WORKER_ONLY = ['@temporalio/worker', '@temporalio/workflow', '@temporalio/activity', '@temporalio/core-bridge', '@temporalio/testing', 'webpack', 'undici', 'commander'];

let stage: string;
let app: string;
let clientOnlyApp: string;
let packed: string[];

/** A project outside the checkout (it must not find our node_modules) with the tarball unpacked and these packages linked. */
async function consumerProject(tarball: string, packages: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lst-consumer-'));
  const installed = join(dir, 'node_modules', 'label-studio-temporal');
  mkdirSync(installed, { recursive: true });
  await exec('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  for (const name of packages) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }
  return dir;
}

beforeAll(async () => {
  // Built inside the checkout, so the workflow bundler resolves @temporalio/workflow from our node_modules.
  mkdirSync(join(ROOT, '.lst'), { recursive: true });
  stage = mkdtempSync(join(ROOT, '.lst', 'package-'));
  await exec(join(BIN, 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', join(stage, 'dist')], { cwd: ROOT });
  for (const script of ['scripts/bundle-zod.ts', 'scripts/bundle-workflows.ts']) await exec(join(BIN, 'tsx'), [script, join(stage, 'dist')], { cwd: ROOT }); // as npm run build
  for (const file of ['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md']) cpSync(join(ROOT, file), join(stage, file));
  const { stdout } = await exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', stage], { cwd: stage });
  const [tarball] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packed = tarball!.files.map((f) => f.path);

  app = await consumerProject(join(stage, tarball!.filename), CONSUMER_PACKAGES);
  cpSync(join(__dirname, 'package', 'consumer'), app, { recursive: true });
  clientOnlyApp = await consumerProject(join(stage, tarball!.filename), CLIENT_ONLY_PACKAGES);
}, 600_000);

afterAll(() => {
  for (const dir of [stage, app, clientOnlyApp]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function node(script: string, env: Record<string, string> = {}): Promise<unknown> {
  const { stdout } = await exec(process.execPath, [script], { cwd: app, env: { PATH: process.env.PATH ?? '', ...env } });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The installed bin of a consumer project (node before it: `-r` preloads), with exactly this environment. */
function cli(project: string, args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<CliRun> {
  const bin = join(project, 'node_modules', 'label-studio-temporal', MANIFEST.bin['label-studio-temporal']!);
  return exec(process.execPath, [...nodeArgs, bin, ...args], { cwd: project, env: { PATH: process.env.PATH ?? '', ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

const temporalEnv = () => ({ TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: inject('temporalNamespace') });

describe('the packed package', () => {
  it('ships the compiled doors, the workflow bundle, the LICENSE and CHANGELOG, no sources or dev launchers, and maps that carry their sources', () => {
    expect(packed).toEqual(
      expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/worker/index.js', 'dist/webhooks/index.js', 'dist/testing/index.js', 'dist/workflow-bundle.js', 'dist/workflow-bundle.json', 'dist/cli/main.js']),
    );
    expect(packed.filter((path) => !path.startsWith('dist/') && !['LICENSE', 'CHANGELOG.md', 'package.json', 'README.md'].includes(path))).toEqual([]);
    // Label Studio, Redis and bucket emulators are started by the demo and the tests (dev/), never by a user's install.
    expect(packed.filter((path) => /label-studio-(server|seed)|redis-server|storage-emulators|demo/.test(path))).toEqual([]);
    expect(packed).toContain('dist/local/temporal-dev-server.js'); // the CLI's embedded server stays
    const map = JSON.parse(readFileSync(join(app, 'node_modules', 'label-studio-temporal', 'dist', 'client', 'sync-client.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
    expect(map.sources).toEqual([expect.stringMatching(/\/src\/client\/sync-client\.ts$/)]); // not shipped: the content is inline
    expect(map.sourcesContent?.[0]).toContain('export async function runStorageSync');
  });

  it('keeps zod out of the workflow bundle: every cached workflow would load its own copy', () => {
    const bundle = readFileSync(join(app, 'node_modules', 'label-studio-temporal', 'dist', 'workflow-bundle.js'), 'utf8');
    const modules = [...bundle.matchAll(/\/\*{3}\/ "([^"]+)"/g)].map((m) => m[1]);
    expect(modules).toContainEqual(expect.stringMatching(/dist\/workflows\/index\.js$/)); // the pattern does find the bundle's modules
    expect(modules.filter((m) => /zod|\/schema\//.test(m!))).toEqual([]);
  });

  it('ships a second workflow bundle, for payload encryption, that converts workflow failures with its failure converter', () => {
    const modulesOf = (file: string) => [...readFileSync(join(app, 'node_modules', 'label-studio-temporal', 'dist', file), 'utf8').matchAll(/\/\*{3}\/ "([^"]+)"/g)].map((m) => m[1]);
    expect(packed).toContain('dist/workflow-bundle-encoded-failures.js');
    expect(modulesOf('workflow-bundle-encoded-failures.js')).toContainEqual(expect.stringMatching(/dist\/codec\/encoded-failure-converter\.js$/));
    expect(modulesOf('workflow-bundle.js')).not.toContainEqual(expect.stringMatching(/encoded-failure-converter/));
  });

  it('serves named imports from every door to an ES module', async () => {
    expect(await node('esm.mjs')).toEqual({
      DEFAULT_TASK_QUEUE: 'string',
      runStorageSync: 'function',
      STORAGE_TYPES: 'object',
      SyncWorkflowError: 'function',
      syncWorkflowId: 'function',
      countTarget: 'function',
      createSyncWorker: 'function',
      workflowBundleOption: 'function',
      createWebhookReceiver: 'function',
      createTestEnvironment: 'function',
      LabelStudioSimulator: 'function',
    });
  });

  it('keeps the client door to the Temporal client, no door to the local tooling, closes deep imports, and names a missing target SDK', async () => {
    const out = (await node('cjs.cjs')) as { clientExports: string[]; clientPackages: string[]; localTooling: string[]; deepImport: string; s3Count: string };
    expect(out.clientExports).toEqual(expect.arrayContaining(['runStorageSync', 'runProjectSync', 'createSyncSchedule', 'SyncWorkflowError', 'FailureType']));
    expect(out.clientExports).not.toContain('createSyncWorker');
    expect(out.clientPackages).toEqual(expect.arrayContaining(['@temporalio/client', '@temporalio/common', 'label-studio-temporal']));
    expect(out.clientPackages.filter((name) => WORKER_ONLY.includes(name))).toEqual([]);
    expect(out.localTooling).toEqual([]);
    expect(out.deepImport).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(out.s3Count).toBe('PermanentTargetError: counting this target needs the optional package @aws-sdk/client-s3, which this worker does not have: npm install @aws-sdk/client-s3');
  });

  it('type-checks from ES and CommonJS modules, and with the older node10 resolution', async () => {
    const common = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022'];
    const node16 = [...common, '--module', 'node16', '--moduleResolution', 'node16', 'types.mts', 'types.cts'];
    const node10 = [...common, '--module', 'commonjs', '--moduleResolution', 'node10', 'types-node10.ts'];
    await expect(Promise.all([exec(join(BIN, 'tsc'), node16, { cwd: app }), exec(join(BIN, 'tsc'), node10, { cwd: app })])).resolves.toBeDefined();
  }, 600_000); // two compilers over the SDK's declarations: minutes on a busy machine

  it('runs a sync with the prebuilt workflow bundle', async () => {
    const sim = await startSimulator();
    try {
      const storageId = sim.addStorage({ type: 'gcs', project: 1, script: [{ status: 'completed', count: 4 }] });
      const out = await node('run-sync.cjs', {
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        TASK_QUEUE: `test-package-${process.pid}`,
        CONNECTION: TEST_CONNECTION,
        LABEL_STUDIO_URL: sim.url,
        LABEL_STUDIO_API_KEY: sim.legacyToken,
        STORAGE_ID: String(storageId),
      });
      expect(out).toEqual({
        outcome: 'completed',
        workflowCode: { workflowBundle: { codePath: join(app, 'node_modules', 'label-studio-temporal', 'dist', 'workflow-bundle.js') } },
      });
      expect(sim.syncsStarted('gcs', storageId)).toBe(1);
      // An install with the client alone reads it back.
      const status = await cli(clientOnlyApp, ['status', syncWorkflowId(TEST_CONNECTION, 'gcs', storageId), '--json'], temporalEnv());
      expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(status.stdout)).toMatchObject({ status: 'COMPLETED', report: { outcome: 'completed' } });
    } finally {
      await sim.close();
    }
  });
});

describe('the CLI', () => {
  it('loads no module of the Temporal worker for --help and --version, though it is installed', async () => {
    for (const args of [['--help'], ['--version']]) {
      const record = join(app, `loaded${args[0]}.json`);
      const run = await cli(app, args, { LOADED_MODULES: record }, ['-r', join(__dirname, 'helpers', 'loaded-modules.cjs')]);
      expect(run.code).toBe(0);
      const loaded = JSON.parse(readFileSync(record, 'utf8')) as string[];
      expect(loaded).toContainEqual(expect.stringMatching(/label-studio-temporal\/dist\/cli\/main\.js$/)); // the record is of the CLI
      expect(loaded.filter((path) => /node_modules\/@temporalio\/(worker|workflow|activity|core-bridge|testing)\//.test(path))).toEqual([]);
    }
  });

  it('runs with the Temporal client alone: help, version, schedules, and syncs and webhooks without a worker of its own', async () => {
    const help = await cli(clientOnlyApp, ['--help']);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: label-studio-temporal /) });
    expect(await cli(clientOnlyApp, ['--version'])).toEqual({ code: 0, stdout: `${MANIFEST.version}\n`, stderr: '' });
    const schedules = await cli(clientOnlyApp, ['schedule', 'list', '--json', '--project', '999999'], temporalEnv());
    expect({ code: schedules.code, stdout: schedules.stdout }).toEqual({ code: 0, stdout: '[]\n' });
    // No worker here and none polls this queue: the command gets as far as asking the server (exit 4, not a crash).
    const sync = await cli(clientOnlyApp, ['sync', 'gcs', '1', '--worker', 'never'], { ...temporalEnv(), LABEL_STUDIO_TEMPORAL_TASK_QUEUE: `client-only-${process.pid}` });
    expect(sync.code).toBe(4);
    expect(sync.stderr).toContain(`no worker polls task queue client-only-${process.pid}`);

    const bin = join(clientOnlyApp, 'node_modules', 'label-studio-temporal', MANIFEST.bin['label-studio-temporal']!);
    const webhooks = spawn(process.execPath, [bin, 'webhooks', 'serve', '--worker', 'never', '--port', '0'], {
      cwd: clientOnlyApp,
      env: { PATH: process.env.PATH ?? '', ...temporalEnv(), LABEL_STUDIO_WEBHOOK_SECRET: 'a-secret-of-some-length' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    webhooks.stderr.on('data', (chunk: Buffer) => {
      const listening = stderr.includes('listening on');
      stderr += chunk.toString();
      if (!listening && stderr.includes('listening on')) webhooks.kill('SIGTERM'); // once: a second signal would kill it
    });
    const [code] = (await once(webhooks, 'close')) as [number | null];
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/^listening on http:\/\/127\.0\.0\.1:\d+.*\nstopping\n$/) });
  });

  it('says in one line what a command that runs a worker needs when only the client is installed: exit 5', async () => {
    const labelStudio = { LABEL_STUDIO_URL: 'http://127.0.0.1:1', LABEL_STUDIO_API_KEY: 'a-key' };
    const sync = await cli(clientOnlyApp, ['sync', 'gcs', '1'], { ...temporalEnv(), ...labelStudio }); // --worker auto: Label Studio is configured here
    expect(sync).toEqual({
      code: 5,
      stdout: '',
      stderr: `error: a worker in this process (--worker auto, as LABEL_STUDIO_URL or LABEL_STUDIO_CONNECTIONS is set) needs the Temporal worker, but @temporalio/worker is not installed: ${WORKER_INSTALL_COMMAND}, or pass --worker never and run the worker elsewhere (TEMPORAL_ADDRESS set)\n`,
    });
    const worker = await cli(clientOnlyApp, ['worker'], { ...temporalEnv(), ...labelStudio });
    expect(worker).toEqual({ code: 5, stdout: '', stderr: `error: the worker command needs the Temporal worker, but @temporalio/worker is not installed: ${WORKER_INSTALL_COMMAND}\n` });
  });
});

import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSimulator } from './helpers/simulated-label-studio';
import { TEST_CONNECTION } from './helpers/temporal';

// The package as a user gets it: built, packed with `npm pack`, unpacked into a project of its own that
// has the Temporal SDK but none of the target SDKs, then imported from ES and CommonJS modules.
const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const exec = promisify(execFile);
// What the consumer project installs next to the package (linked from ours): its dependencies and the
// Temporal SDK; the target SDKs stay out.
const CONSUMER_PACKAGES = [
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/common',
  '@temporalio/envconfig',
  '@temporalio/plugin',
  '@temporalio/proto',
  '@temporalio/testing',
  '@temporalio/worker',
  '@temporalio/workflow',
  '@types/node',
  ...Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies),
];
// Nothing of the worker may load with the client door.
const WORKER_ONLY = ['@temporalio/worker', '@temporalio/workflow', '@temporalio/activity', '@temporalio/core-bridge', '@temporalio/testing', 'webpack', 'undici', 'commander'];

let stage: string;
let app: string;
let packed: string[];

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

  app = mkdtempSync(join(tmpdir(), 'lst-consumer-')); // outside the checkout: it must not find our node_modules
  const installed = join(app, 'node_modules', 'label-studio-temporal');
  mkdirSync(installed, { recursive: true });
  await exec('tar', ['-xzf', join(stage, tarball!.filename), '-C', installed, '--strip-components=1']);
  for (const name of CONSUMER_PACKAGES) {
    const link = join(app, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }
  cpSync(join(__dirname, 'package', 'consumer'), app, { recursive: true });
}, 600_000);

afterAll(() => {
  for (const dir of [stage, app]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function node(script: string, env: Record<string, string> = {}): Promise<unknown> {
  const { stdout } = await exec(process.execPath, [script], { cwd: app, env: { PATH: process.env.PATH ?? '', ...env } });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

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
    } finally {
      await sim.close();
    }
  });
});

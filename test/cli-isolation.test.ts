import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { startStorageSync } from '../src/client/sync-client';
import { connectionEnvPrefix } from '../src/config/label-studio-connections';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { rejectionOf } from './helpers/rejection';
import { runCli } from './helpers/run-cli';
import { cliSuitePerFile, FAST_CLI_SYNC } from './helpers/simulated-label-studio';
import { labelStudioConnection, startTestWorker, TEST_CONNECTION } from './helpers/temporal';

// Which worker runs a CLI sync, and how fast the CLI gives up when none can or Temporal is misconfigured.
describe('label-studio-temporal: its own task queue, and failing fast', () => {
  const suite = cliSuitePerFile();

  const sync = (id: number, extraEnv: Record<string, string>, args: string[] = []) =>
    runCli(['sync', 's3', String(id), '-c', TEST_CONNECTION, '--json', ...FAST_CLI_SYNC, ...args], { ...suite.env, ...extraEnv });

  it('runs its sync on its own worker: a decoy worker with a wrong key on the configured queue gets none of it', async () => {
    const decoy = await startTestWorker([labelStudioConnection(TEST_CONNECTION, suite.sim.url, randomBytes(20).toString('hex'))]);
    try {
      const ids = [1, 2].map(() => suite.sim.addStorage({ type: 's3', project: 1, script: [{ status: 'completed', count: 4 }] }));
      for (const id of ids) {
        const run = await sync(id, { LABEL_STUDIO_TEMPORAL_TASK_QUEUE: decoy.taskQueue });
        expect(run.code, run.stderr).toBe(0);
        expect(JSON.parse(run.stdout)).toMatchObject({ outcome: 'completed', storage: { id } });
        const { taskQueue } = await suite.t.client.workflow.getHandle(syncWorkflowId(TEST_CONNECTION, 's3', id)).describe();
        expect(taskQueue).toMatch(new RegExp(`^${decoy.taskQueue}-cli-[0-9a-f-]{36}$`));
      }
      expect(suite.sim.requests.filter((r) => r.status === 401)).toEqual([]); // the decoy's key never reached Label Studio
    } finally {
      await decoy.close();
    }
  });

  it('--detach starts on the configured queue: the run outlives the process, a standalone worker ends it', async () => {
    const id = suite.sim.addStorage({ type: 's3', project: 1 });
    const run = await sync(id, {}, ['--detach']);
    expect(run.code, run.stderr).toBe(0);
    const handle = suite.t.client.workflow.getHandle(JSON.parse(run.stdout).workflowId);
    expect((await handle.describe()).taskQueue).toBe(suite.t.taskQueue);
    expect(await handle.result()).toMatchObject({ outcome: 'completed', storage: { id } });
  });

  it('--worker never with no worker on the queue: exit 4 at once, saying how to start one, nothing started', async () => {
    const id = suite.sim.addStorage({ type: 's3', project: 1 });
    const queue = `nobody-${randomUUID()}`;
    const run = await sync(id, { LABEL_STUDIO_TEMPORAL_TASK_QUEUE: queue }, ['--worker', 'never']);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain(`no worker polls task queue ${queue}`);
    expect(run.stderr).toContain('label-studio-temporal worker');
    await rejectionOf(suite.t.client.workflow.getHandle(syncWorkflowId(TEST_CONNECTION, 's3', id)).describe(), WorkflowNotFoundError);
  });

  it('--worker never with a worker on the queue runs the sync there', async () => {
    const id = suite.sim.addStorage({ type: 's3', project: 1 });
    const run = await sync(id, { LABEL_STUDIO_TEMPORAL_TASK_QUEUE: suite.t.taskQueue }, ['--worker', 'never']);
    expect(run.code, run.stderr).toBe(0);
    expect((await suite.t.client.workflow.getHandle(syncWorkflowId(TEST_CONNECTION, 's3', id)).describe()).taskQueue).toBe(suite.t.taskQueue);
  });

  it('joins a sync of the storage running elsewhere, and exits 4 when nothing polls its queue any more', async () => {
    const id = suite.sim.addStorage({ type: 's3', project: 1 });
    const orphanQueue = `gone-${randomUUID()}`; // e.g. the queue of a CLI run that was killed
    const orphan = await startStorageSync(suite.t.client, { connection: TEST_CONNECTION, storageType: 's3', storageId: id }, { taskQueue: orphanQueue });
    try {
      const run = await sync(id, {});
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toContain(`joined the running workflow ${orphan.workflowId}`);
      expect(run.stderr).toContain(`runs on task queue ${orphanQueue}`);
      expect(run.stderr).toContain(`no worker polls task queue ${orphanQueue}`);
    } finally {
      await orphan.handle.terminate('test over');
    }
  });

  describe('Temporal settings', () => {
    it.each([
      ['an unknown namespace', { TEMPORAL_NAMESPACE: `missing-${randomUUID().slice(0, 8)}` }, 5, 'TEMPORAL_NAMESPACE: namespace "missing-'],
      ['a malformed address', { TEMPORAL_ADDRESS: 'http://localhost:7233' }, 5, 'TEMPORAL_ADDRESS: is not a host:port address'],
      ['a port outside 1-65535', { TEMPORAL_ADDRESS: 'localhost:99999' }, 5, 'TEMPORAL_ADDRESS'],
      ['an address where nothing listens', { TEMPORAL_ADDRESS: '127.0.0.1:9' }, 4, 'cannot reach Temporal at 127.0.0.1:9'],
    ])('%s: sync and worker exit with the documented code', async (_what, temporal, code, message) => {
      for (const args of [['sync', 's3', '1', '-c', TEST_CONNECTION], ['worker']]) {
        const run = await runCli(args, { ...suite.env, LABEL_STUDIO_URL: suite.sim.url, LABEL_STUDIO_API_KEY: suite.sim.legacyToken, ...temporal });
        expect(run.code, `${args[0]}: ${run.stderr}`).toBe(code);
        expect(run.stderr).toContain(message);
      }
    });

    it('an invalid cancellation grace period: exit 5 before anything starts', async () => {
      const run = await sync(1, { LABEL_STUDIO_TEMPORAL_CANCEL_GRACE_MS: '5s' });
      expect(run.code, run.stderr).toBe(5);
      expect(run.stderr).toContain('LABEL_STUDIO_TEMPORAL_CANCEL_GRACE_MS: is not a whole number from 1 to 600000');
    });

    it('the worker command exits 5 on a Label Studio configuration error, as every command does', async () => {
      const run = await runCli(['worker'], { ...suite.env, [`${connectionEnvPrefix(TEST_CONNECTION)}API_KEY`]: '' });
      expect(run.code, run.stderr).toBe(5);
      expect(run.stderr).toContain(`${connectionEnvPrefix(TEST_CONNECTION)}API_KEY`);
    });
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version'], {});
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });
});

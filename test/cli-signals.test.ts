import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelStudioSimulator } from '../src/simulator';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { spawnCli } from './helpers/run-cli';
import { startSlowAnswersProxy } from './helpers/slow-answers-proxy';
import { cliEnvFor, startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

// A CI step, `timeout` or a Kubernetes Job stops the CLI with SIGTERM, a person with Ctrl-C (SIGINT).
describe('label-studio-temporal sync and sync-project, signalled while they wait', () => {
  let sim: LabelStudioSimulator;
  let t: TestTemporal;
  let env: Record<string, string>;
  const fast = ['--poll-initial', '1s', '--poll-max', '1s', '--retry-backoff', '100ms'];

  beforeAll(async () => {
    sim = await startSimulator();
    t = await startWorkerFor(sim); // for the --worker never runs, on the queue the CLI is configured with
    env = {
      ...cliEnvFor(sim, t.taskQueue),
      LABEL_STUDIO_TEMPORAL_CANCEL_GRACE_MS: '120000', // a busy machine may take longer than the default 5 s
    };
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  /** The CLI's progress once its sync runs: the CLI's own worker has a request budget (the poll is its own activity); the test worker has none (one activity triggers and polls). */
  const WAITING = /waiting for (the sync|it) to end/;

  /** A storage whose Label Studio sync never ends, so the CLI is still waiting when it is signalled. */
  const endlessStorage = () => sim.addStorage({ type: 's3', project: 1, script: [{ status: 'stuck_in_progress' }] });
  const statusOf = async (workflowId: string) => (await t.client.workflow.getHandle(workflowId).describe()).status.name;

  it.each([
    ['SIGTERM', ['--json']],
    ['SIGINT', []],
  ] as const)('sync: %s cancels the workflow, prints its cancellation report and exits 6', async (signal, output) => {
    const id = endlessStorage();
    const cli = spawnCli(['sync', 's3', String(id), '-c', TEST_CONNECTION, ...fast, ...output], env);
    await cli.stderrShows(WAITING);
    cli.kill(signal);
    const run = await cli.done;
    expect(run.code, run.stderr).toBe(6);
    expect(run.stderr).toContain(`${signal}: cancelling ${syncWorkflowId(TEST_CONNECTION, 's3', id)}`);
    if (output.length) {
      const out = JSON.parse(run.stdout);
      expect(out).toMatchObject({ failureType: 'Cancelled', report: { outcome: 'cancelled', storage: { type: 's3', id } } });
      expect(out.report.warnings.join('\n')).toContain('Label Studio cannot cancel a sync');
    } else {
      expect(run.stdout).toMatch(new RegExp(`^s3 storage ${id} .*: cancelled`));
    }
    expect(await statusOf(syncWorkflowId(TEST_CONNECTION, 's3', id))).toBe('CANCELLED');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('sync on the embedded Temporal server: %s cancels the workflow there and prints its report before the server stops', async (signal) => {
    const id = endlessStorage();
    const { TEMPORAL_ADDRESS: _a, TEMPORAL_NAMESPACE: _n, LABEL_STUDIO_TEMPORAL_TASK_QUEUE: _q, ...embedded } = env;
    const cli = spawnCli(['sync', 's3', String(id), '-c', TEST_CONNECTION, ...fast, '--json'], embedded);
    await cli.stderrShows(WAITING);
    cli.kill(signal);
    const run = await cli.done;
    expect(run.code, run.stderr).toBe(6);
    expect(JSON.parse(run.stdout)).toMatchObject({ failureType: 'Cancelled', report: { outcome: 'cancelled', storage: { type: 's3', id } } });
    expect(run.stderr).not.toContain('did not report');
  });

  it('sync-project: SIGTERM cancels the fan-out and its storage syncs, prints the report, exits 6', async () => {
    const project = 5;
    const id = sim.addStorage({ type: 'gcs', project, script: [{ status: 'stuck_in_progress' }] });
    const cli = spawnCli(['sync-project', String(project), '-c', TEST_CONNECTION, ...fast, '--json'], env);
    await cli.stderrShows(`0/1 storages done; waiting for ${syncWorkflowId(TEST_CONNECTION, 'gcs', id)}`);
    cli.kill('SIGTERM');
    const run = await cli.done;
    expect(run.code, run.stderr).toBe(6);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ failureType: 'Cancelled', report: { project, storages: [{ storage: { type: 'gcs', id } }] } });
    expect(await statusOf(syncWorkflowId(TEST_CONNECTION, 'gcs', id))).toBe('CANCELLED');
  });

  it('sync: a signal while the start is in flight still cancels the workflow the start created', async () => {
    // The server creates the workflow; its answer reaches the CLI 1.5 s later: the signal comes in between.
    const proxy = await startSlowAnswersProxy(env.TEMPORAL_ADDRESS!, 1_500);
    try {
      const id = endlessStorage();
      const workflowId = syncWorkflowId(TEST_CONNECTION, 's3', id);
      const cli = spawnCli(['sync', 's3', String(id), '-c', TEST_CONNECTION, ...fast, '--json', '--worker', 'never'], { ...env, TEMPORAL_ADDRESS: proxy.address });
      await until(() => statusOf(workflowId).then(() => true, () => false));
      cli.kill('SIGTERM');
      const run = await cli.done;
      expect(run.code, run.stderr).toBe(6);
      expect(JSON.parse(run.stdout)).toMatchObject({ failureType: 'Cancelled', report: { outcome: 'cancelled' } });
      expect(await statusOf(workflowId)).toBe('CANCELLED');
    } finally {
      await proxy.close();
    }
  });

  describe('when no worker runs the cancellation', () => {
    /** `--worker never` on a queue whose only worker stops once the sync runs: the cancellation stays unprocessed. */
    async function waitingWithoutWorker(json: string[] = [], grace = '120000') {
      const lonely = await startWorkerFor(sim);
      const id = endlessStorage();
      const cli = spawnCli(['sync', 's3', String(id), '-c', TEST_CONNECTION, ...fast, '--worker', 'never', ...json], {
        ...env,
        LABEL_STUDIO_TEMPORAL_TASK_QUEUE: lonely.taskQueue,
        LABEL_STUDIO_TEMPORAL_CANCEL_GRACE_MS: grace,
      });
      await cli.stderrShows(WAITING);
      await lonely.close();
      return { cli, workflowId: syncWorkflowId(TEST_CONNECTION, 's3', id) };
    }
    const cleanUp = (workflowId: string) => t.client.workflow.getHandle(workflowId).terminate('test over');

    it.each([
      ['SIGTERM', 'SIGINT', 130],
      ['SIGINT', 'SIGTERM', 143],
    ] as const)('a second signal (%s then %s) exits at once with %i', async (first, second, code) => {
      const { cli, workflowId } = await waitingWithoutWorker();
      cli.kill(first);
      await cli.stderrShows(`${first}: cancelling`);
      cli.kill(second);
      const run = await cli.done;
      expect(run.code, run.stderr).toBe(code);
      expect(run.stderr).not.toContain('did not report');
      expect(await statusOf(workflowId)).toBe('RUNNING'); // asked to cancel; nothing ran the cancellation
      await cleanUp(workflowId);
    });

    it('without a report in the grace period it says so and exits 6', async () => {
      const { cli, workflowId } = await waitingWithoutWorker(['--json'], '1000');
      cli.kill('SIGTERM');
      const run = await cli.done;
      expect(run.code, run.stderr).toBe(6);
      expect(JSON.parse(run.stdout)).toMatchObject({ failureType: 'Cancelled', workflowId, report: null });
      expect(run.stderr).toContain(`${workflowId} was asked to cancel but did not report within 1s`);
      await cleanUp(workflowId);
    });
  });
});

/** Polls `check` every 50 ms until it holds (the test's own timeout bounds the wait). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

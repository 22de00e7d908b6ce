import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipelineStateQuery } from '../src/workflows/pipeline-types';
import { pipelineWorkflowId } from '../src/workflows/project-ids';
import { runCli, type CliRun } from './helpers/run-cli';
import { rememberSecret } from './helpers/secrets';
import { cliSuitePerFile, FAST_CLI_SYNC } from './helpers/simulated-label-studio';
import { TEST_CONNECTION } from './helpers/temporal';
import { eventually } from './helpers/workflow-input';

// sync-project, schedule, status and webhooks serve as scripts use them: child processes, stdout, exit codes.
describe('label-studio-temporal sync-project, schedule, status, webhooks serve', () => {
  // Schedules' runs need a worker on the CLI's task queue; the CLI's own commands bring theirs.
  const suite = cliSuitePerFile();
  let nextProject = 900;

  const cli = (args: string[], extraEnv: Record<string, string> = {}) => runCli(args, { ...suite.env, ...extraEnv });
  const json = <T = Record<string, unknown>>(run: CliRun): T => JSON.parse(run.stdout) as T;

  it('sync-project: exit 0 and the report as JSON when every storage syncs', async () => {
    const project = nextProject++;
    const a = suite.sim.addStorage({ type: 's3', project, title: 'a', script: [{ status: 'completed', count: 3 }] });
    suite.sim.addStorage({ type: 'gcs', project, title: 'b', script: [{ status: 'completed' }] });
    const run = await cli(['sync-project', String(project), '-c', TEST_CONNECTION, '--json', ...FAST_CLI_SYNC]);
    expect(run.code, run.stderr).toBe(0);
    const report = json(run);
    expect(report).toMatchObject({ outcome: 'completed', project, counts: { total: 2, succeeded: 2 } });
    expect(run.stderr).toMatch(/storages done/); // live progress on stderr

    const human = await cli(['sync-project', String(project), '-c', TEST_CONNECTION, '--type', 's3', ...FAST_CLI_SYNC]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^project ${project} \\(connection ${TEST_CONNECTION}\\): completed: 1 succeeded, 0 failed, 0 skipped of 1\\n  s3 ${a} "a": completed, 3 synced`));
  });

  it('sync-project: exit 1 with every storage in the report when one fails, under either failOn', async () => {
    const project = nextProject++;
    suite.sim.addStorage({ type: 's3', project, script: [{ status: 'completed' }] });
    suite.sim.addStorage({ type: 's3', project, script: [{ status: 'failed', traceback: 'Traceback\nOSError: quota' }] });
    const failing = await cli(['sync-project', String(project), '-c', TEST_CONNECTION, '--json', ...FAST_CLI_SYNC]);
    expect(failing.code, failing.stderr).toBe(1);
    expect(json(failing)).toMatchObject({ failureType: 'ProjectSyncFailed', report: { outcome: 'partial', counts: { succeeded: 1, failed: 1 } } });
    expect(failing.stderr).toContain('quota');

    const partial = await cli(['sync-project', String(project), '-c', TEST_CONNECTION, '--json', '--fail-on', 'none', ...FAST_CLI_SYNC]);
    expect(partial.code, partial.stderr).toBe(1);
    expect(json(partial)).toMatchObject({ outcome: 'partial', counts: { succeeded: 1, failed: 1 } });
  });

  it('sync-project: exit 3 on bad input, before contacting anything', async () => {
    const bad = await cli(['sync-project', '1', '--title-pattern', '(', '-c', TEST_CONNECTION], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(bad.code, bad.stderr).toBe(3);
    expect(bad.stderr).toContain('titlePattern is not a valid RE2 regular expression');
    expect((await cli(['sync-project', 'seven'])).code).toBe(3);
    expect((await cli(['sync-project', '1', '--fail-on', 'sometimes'])).code).toBe(3);
  });

  it('schedule create, trigger, status, list, describe, delete with --json and exit codes', async () => {
    const project = nextProject++;
    const id = suite.sim.addStorage({ type: 'redis', project, script: [{ status: 'completed', count: 8 }] });
    const scheduleId = `cli-schedule-${randomUUID()}`;
    const created = await cli(['schedule', 'create', scheduleId, '--storage', `redis:${id}`, '--project', String(project), '-c', TEST_CONNECTION, '--cron', '30 2 * * *', '--timezone', 'Europe/Paris', '--json', ...FAST_CLI_SYNC]);
    expect(created.code, created.stderr).toBe(0);
    expect(json(created)).toMatchObject({ scheduleId, overlap: 'SKIP', spec: { calendars: ['0 30 2 * * * *'], timezone: 'Europe/Paris' }, target: { kind: 'storage', storageId: id } });

    const again = await cli(['schedule', 'create', scheduleId, '--storage', `redis:${id}`, '-c', TEST_CONNECTION, '--cron', '30 2 * * *']);
    expect(again.code, again.stderr).toBe(3); // exists already

    const triggered = await cli(['schedule', 'trigger', scheduleId, '--json']);
    expect(triggered.code, triggered.stderr).toBe(0);
    const { workflowId } = json<{ workflowId: string }>(triggered);
    expect(workflowId).toMatch(new RegExp(`^${scheduleId}`));

    const status = await eventually(
      () => cli(['status', workflowId, '--json']),
      (run) => json(run).status !== 'RUNNING',
    );
    expect(status.code, status.stderr).toBe(0);
    expect(json(status)).toMatchObject({ type: 'scheduledStorageSync', status: 'COMPLETED', report: { outcome: 'completed', final: { lastSyncCount: 8 } } });

    const listed = await eventually(
      () => cli(['schedule', 'list', '--project', String(project), '--json']),
      (run) => json<unknown[]>(run).length > 0,
    );
    expect(json<{ scheduleId: string }[]>(listed).map((s) => s.scheduleId)).toEqual([scheduleId]);

    expect((await cli(['schedule', 'pause', scheduleId, '--note', 'migration'])).code).toBe(0);
    const described = await cli(['schedule', 'describe', scheduleId]);
    expect(described.stdout).toContain('paused (migration)');
    const updated = await cli(['schedule', 'update', scheduleId, '--overlap', 'buffer-one', '--json']);
    expect(json(updated)).toMatchObject({ overlap: 'BUFFER_ONE', pauseOnFailure: false, paused: true });

    expect((await cli(['schedule', 'delete', scheduleId])).code).toBe(0);
    const gone = await cli(['schedule', 'describe', scheduleId]);
    expect(gone.code, gone.stderr).toBe(3);
  });

  it('schedule: exit 3 with the reason for a bad spec, 5 without a Temporal server', async () => {
    const bad = await cli(['schedule', 'create', `cli-bad-${randomUUID()}`, '--project', '1', '--cron', '0 3 * *']);
    expect(bad.code, bad.stderr).toBe(3);
    expect(bad.stderr).toMatch(/spec.cron\[0\] "0 3 \* \*" has 4 fields/);
    const zone = await cli(['schedule', 'create', `cli-bad-${randomUUID()}`, '--project', '1', '--cron', '0 3 * * *', '--timezone', 'Atlantis/Capital']);
    expect(zone.code, zone.stderr).toBe(3);
    expect(zone.stderr).toContain('not a known IANA time zone');
    const { TEMPORAL_ADDRESS: _a, ...noServer } = suite.env;
    const none = await runCli(['schedule', 'list'], noServer);
    expect(none.code, none.stderr).toBe(5);
    expect(none.stderr).toContain('TEMPORAL_ADDRESS');
  });

  it('status: the failure and its report with exit 1; exit 3 for an unknown workflow', async () => {
    const project = nextProject++;
    const id = suite.sim.addStorage({ type: 'azure', project, script: [{ status: 'failed', traceback: 'Traceback\nValueError: container' }] });
    const sync = await cli(['sync', 'azure', String(id), '-c', TEST_CONNECTION, '--detach', '--json', ...FAST_CLI_SYNC]);
    const { workflowId } = json<{ workflowId: string }>(sync);
    const status = await eventually(
      () => cli(['status', workflowId, '--json']),
      (run) => json(run).status !== 'RUNNING',
    );
    expect(status.code, status.stderr).toBe(1);
    expect(json(status)).toMatchObject({ status: 'FAILED', error: { failureType: 'SyncFailed' }, report: { outcome: 'failed' } });
    const human = await cli(['status', workflowId]);
    expect(human.stdout).toContain('ValueError: container');
    expect((await cli(['status', `no-such-workflow-${randomUUID()}`])).code).toBe(3);
  });

  it('webhooks serve: accepts a signed event and starts the pipeline, refuses others; exits 0 on SIGTERM', async () => {
    const project = nextProject++;
    suite.sim.addStorage({ type: 's3', project, script: [{ status: 'completed' }] });
    const secret = randomBytes(20).toString('hex');
    rememberSecret(secret);
    const server = serve(['--port', '0', '-c', TEST_CONNECTION, '--quiet-period', '200ms', '--worker', 'never', '--json'], { ...suite.env, LABEL_STUDIO_WEBHOOK_SECRET: secret });
    try {
      const url = await server.url;
      const body = JSON.stringify({ action: 'ANNOTATION_CREATED', project: { id: project }, annotation: { id: 1 } });
      const refused = await fetch(url, { method: 'POST', body });
      expect(refused.status).toBe(401);
      const accepted = await fetch(url, { method: 'POST', headers: { 'x-webhook-secret': secret, 'content-type': 'application/json' }, body });
      expect(accepted.status).toBe(202);
      const state = await eventually(
        () => suite.t.client.workflow.getHandle(pipelineWorkflowId(TEST_CONNECTION, project)).query(pipelineStateQuery),
        (s) => s.recent.length === 1,
      );
      expect(state.recent[0]).toMatchObject({ events: 1, syncOutcome: 'completed' });
      expect(server.stderr()).toMatch(/"status":401/);
      expect(server.stderr()).toMatch(/"status":202/);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exit).toBe(0);
    await suite.t.client.workflow.getHandle(pipelineWorkflowId(TEST_CONNECTION, project)).terminate('test over');

    const noSecret = await cli(['webhooks', 'serve', '--port', '0']);
    expect(noSecret.code, noSecret.stderr).toBe(5);
    expect(noSecret.stderr).toContain('LABEL_STUDIO_WEBHOOK_SECRET');
  });

  it('webhooks serve: exit 3 with the reason when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as AddressInfo).port);
      const run = await cli(['webhooks', 'serve', '--port', port, '-c', TEST_CONNECTION, '--worker', 'never'], { LABEL_STUDIO_WEBHOOK_SECRET: randomBytes(20).toString('hex') });
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toContain(`--host/--port 127.0.0.1:${port} cannot be listened on (EADDRINUSE)`);
    } finally {
      taken.close();
    }
  });
});

/** `webhooks serve` as a long-running child: its URL once it listens, its exit code once it stops. */
function serve(args: string[], env: Record<string, string>) {
  const root = join(__dirname, '..');
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'cli', 'main.ts'), 'webhooks', 'serve', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      const match = /listening on (http:\/\/\S+?);/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error(`webhooks serve exited early:\n${stderr}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, exit, stderr: () => stderr };
}

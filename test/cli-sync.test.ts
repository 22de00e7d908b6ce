import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LabelStudioSimulator } from '../src/simulator';
import { runCli } from './helpers/run-cli';
import { rememberSecret } from './helpers/secrets';
import { startSimulator } from './helpers/simulated-label-studio';

// The CLI as scripts use it: a child process, its stdout, its exit code.
describe('label-studio-temporal sync', () => {
  let sim: LabelStudioSimulator;
  let env: Record<string, string>;
  const fast = ['--poll-initial', '1s', '--poll-max', '1s', '--retry-backoff', '100ms'];

  beforeAll(async () => {
    sim = await startSimulator();
    env = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      LABEL_STUDIO_URL: sim.url,
      LABEL_STUDIO_API_KEY: sim.legacyToken,
      LABEL_STUDIO_CONNECTIONS: 'cli',
      LABEL_STUDIO_CLI_URL: sim.url,
      LABEL_STUDIO_CLI_API_KEY: sim.legacyToken,
      LABEL_STUDIO_TEMPORAL_TASK_QUEUE: `cli-${randomUUID()}`,
    };
  });
  afterAll(() => sim?.close());

  const sync = (args: string[], extraEnv: Record<string, string> = {}) =>
    runCli(['sync', ...args, '--connection', 'cli', ...fast], { ...env, ...extraEnv });

  it('prints the report as JSON and exits 0 when the sync completes', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', count: 9, runMs: 4_000 }] });
    const run = await sync(['gcs_sa', String(id), '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ outcome: 'completed', storage: { type: 'gcs_sa', id } });
    expect(report.attempts[0].lastSyncCount).toBe(9);
    expect(run.stderr).toContain('waiting for the sync to end'); // live progress, on stderr (the 4 s run outlasts the CLI's 1 s progress checks, even on a busy machine)
  });

  it('prints a human report by default', async () => {
    const id = sim.addStorage({ type: 's3', project: 1, title: 'exports' });
    const run = await sync(['s3', String(id)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^s3 storage ${id} "exports" \\(project 1, connection cli\\): completed`));
  });

  it('exits 1 when the sync fails, with the report on stdout', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'failed', traceback: 'Traceback\nOSError: bucket gone' }] });
    const run = await sync(['gcs_sa', String(id), '--json', '--max-attempts', '2']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.failureType).toBe('SyncFailed');
    expect(out.report.attempts).toHaveLength(2);
    expect(run.stderr).toContain('bucket gone');
  });

  it('exits 2 when the sync completes with errors under warn', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed_with_errors' }] });
    const run = await sync(['gcs_sa', String(id), '--json', '--on-completed-with-errors', 'warn']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).outcome).toBe('completed_with_errors');
  });

  it('exits 3 on bad input before contacting anything', async () => {
    expect((await sync(['ftp', '1'])).code).toBe(3);
    expect((await sync(['gcs_sa', 'twelve'])).code).toBe(3);
    const bad = await sync(['gcs_sa', '1', '--timeout', 'forever']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('policy.timeout');
    const short = await sync(['gcs_sa', '1', '--unreachable-timeout', '500ms']);
    expect(short.code).toBe(3);
    expect(short.stderr).toContain('policy.unreachableTimeout');
  });

  // The in-process worker checks its connections before anything starts: a wrong URL or key ends the run at once.
  it('exits 4 at once when Label Studio cannot be reached, before starting a workflow', async () => {
    const run = await sync(['gcs_sa', '1'], { LABEL_STUDIO_CLI_URL: 'http://127.0.0.1:9' });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('Label Studio [cli] check the connection: cannot reach Label Studio (ECONNREFUSED)');
    expect(run.stderr).not.toContain('started workflow');
  });

  it('exits 5 at once with one line when Label Studio refuses the key, naming the connection and the variable', async () => {
    const key = `wrong-key-${randomUUID()}`;
    rememberSecret(key);
    const run = await sync(['gcs_sa', '1'], { LABEL_STUDIO_CLI_API_KEY: key });
    expect(run.code).toBe(5);
    expect(run.stderr.trim().split('\n')).toEqual([
      'error: Label Studio connection "cli": Label Studio refused the key (HTTP 401: Invalid token.): check LABEL_STUDIO_CLI_API_KEY',
    ]);
  });

  it('exits 5 at once for an unknown host', async () => {
    const run = await sync(['gcs_sa', '1'], { LABEL_STUDIO_CLI_URL: 'http://label-studio.invalid:8080' }); // a reserved name no resolver knows
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('error: Label Studio connection "cli": unknown host (ENOTFOUND): check LABEL_STUDIO_CLI_URL');
    expect(run.stderr).not.toContain('label-studio.invalid');
  });

  it("logs its worker through the package's logger: one line per retried activity, LOG_LEVEL and LOG_FORMAT as the worker reads them", async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 1 });
    const faults = () => sim.injectFault({ kind: 'status', status: 503, times: 2, match: { method: 'GET', path: `/api/storages/export/gcs_sa/${id}` } });
    faults();
    const quiet = await sync(['gcs_sa', String(id), '--json']);
    expect(quiet.code).toBe(0);
    const retries = quiet.stderr.split('\n').filter((line) => /^\d\d:\d\d:\d\d\.\d{3} WARN +Activity failed \{.*"activityType":"readStorage"/.test(line));
    expect(retries).toHaveLength(2); // the local first read, then the read activity's first try
    expect(retries[0]).toMatch(/HTTP 503/);
    expect(quiet.stderr).not.toMatch(/^\s+at /m); // no multi-line SDK blocks
    expect(quiet.stderr).not.toMatch(/ (INFO|DEBUG) /); // warn unless LOG_LEVEL says otherwise

    faults();
    const debug = await sync(['gcs_sa', String(id), '--json'], { LOG_LEVEL: 'debug', LOG_FORMAT: 'json' });
    expect(debug.code).toBe(0);
    expect(debug.stderr).not.toMatch(/^\s+at /m);
    const entries = debug.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number; msg: string; name: string; error?: { stack: string } });
    expect(entries.some((e) => e.level === 20)).toBe(true);
    expect(entries.every((e) => e.name === 'label-studio-temporal')).toBe(true);
    expect(entries.find((e) => e.msg === 'Activity failed')?.error?.stack).toMatch(/\n\s+at /); // the stack, inside its JSON line
  });

  it('exits 5 on a configuration error, naming the variable', async () => {
    const run = await sync(['gcs_sa', '1'], { LABEL_STUDIO_CLI_API_KEY: '' });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('LABEL_STUDIO_CLI_API_KEY');
  });

  it('starts an embedded Temporal dev server when TEMPORAL_ADDRESS is not set', async () => {
    const id = sim.addStorage({ type: 'localfiles', project: 1 });
    const { TEMPORAL_ADDRESS: _a, TEMPORAL_NAMESPACE: _n, ...withoutTemporal } = env;
    const run = await runCli(['sync', 'localfiles', String(id), '--connection', 'cli', ...fast, '--json'], withoutTemporal);
    expect(run.stderr).toMatch(/Web UI: http:\/\/127\.0\.0\.1:\d+/);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).outcome).toBe('completed');
  });
});

rememberSecret('127.0.0.1:9');

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectionEnvPrefix } from '../src/config/label-studio-connections';
import type { LabelStudioSimulator } from '../src/simulator';
import { LABEL_STUDIO_REQUEST_METRICS } from '../src/worker/metrics';
import { HEALTH_PATHS } from '../src/worker/health';
import { SYNC_METRICS } from '../src/workflows/sync-metrics-sink';
import { dashboardQueries, exposedSampleNames, metricNamesIn, type Dashboard } from './helpers/grafana-dashboard';
import { startSimulator } from './helpers/simulated-label-studio';
import { runSync, startSync, syncError } from './helpers/sync-run';
import { TEST_CONNECTION } from './helpers/temporal';
import { spawnWorker, WORKER_STARTED, type WorkerProcess } from './helpers/worker-process';

// The worker process as an operator runs it: metrics scraped, probes asked and logs parsed
// while it syncs against the simulator.
describe('the worker process, observed', () => {
  let sim: LabelStudioSimulator;
  let worker: WorkerProcess;
  let connection: Connection;
  let client: Client;
  let metricsUrl: string;
  let healthUrl: string;
  const taskQueue = `observed-${randomUUID()}`;

  beforeAll(async () => {
    sim = await startSimulator();
    const [metricsPort, healthPort] = [await freePort(), await freePort()];
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    healthUrl = `http://127.0.0.1:${healthPort}`;
    const prefix = connectionEnvPrefix(TEST_CONNECTION);
    worker = spawnWorker({
      LABEL_STUDIO_CONNECTIONS: TEST_CONNECTION,
      [`${prefix}URL`]: sim.url,
      [`${prefix}API_KEY`]: sim.legacyToken,
      LABEL_STUDIO_TEMPORAL_TASK_QUEUE: taskQueue,
      LST_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      LST_HEALTH_ADDRESS: `127.0.0.1:${healthPort}`,
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
    });
    await worker.waitFor(WORKER_STARTED);
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection, namespace: inject('temporalNamespace') });
  });
  afterAll(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
    await connection?.close();
    await sim?.close();
  });

  it('is live and ready while it polls', async () => {
    expect((await fetch(`${healthUrl}${HEALTH_PATHS.liveness}`)).status).toBe(200);
    const ready = await fetch(`${healthUrl}${HEALTH_PATHS.readiness}`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', worker: 'RUNNING' });
  });

  it("serves the SDK's metrics and the package's on /metrics during and after syncs", async () => {
    const id = sim.addStorage({ type: 's3', project: 4, script: [{ status: 'completed', queuedMs: 200, runMs: 1500 }] });
    const { handle } = await startSync(client, taskQueue, 's3', id);
    await until(() => sim.syncsStarted('s3', id) === 1);
    const during = await scrape(metricsUrl);
    expect(during).toMatch(/^temporal_\w+/m); // the SDK's own (pollers, slots, latencies)
    expect(sample(during, SYNC_METRICS.started, { storage_type: 's3' })).toBe(1);
    expect((await handle.result()).outcome).toBe('completed');

    // A storage that does not exist: a 404 from Label Studio, a failed sync.
    await syncError(runSync(client, taskQueue, 's3', 999));

    const after = await scrape(metricsUrl);
    expect(sample(after, SYNC_METRICS.ended, { storage_type: 's3', outcome: 'completed' })).toBe(1);
    expect(sample(after, SYNC_METRICS.ended, { storage_type: 's3', outcome: 'failed' })).toBe(1);
    expect(sample(after, `${SYNC_METRICS.duration}_count`, { storage_type: 's3', outcome: 'completed' })).toBe(1);
    expect(sample(after, `${SYNC_METRICS.detectionDelay}_count`, { storage_type: 's3', status: 'completed' })).toBe(1);
    const syncPosts = sample(after, LABEL_STUDIO_REQUEST_METRICS.requests, { route: 'api/storages/export/s3/{id}/sync', status: '200' });
    expect(syncPosts).toBe(1);
    expect(sample(after, LABEL_STUDIO_REQUEST_METRICS.requests, { route: 'api/storages/export/s3/{id}', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, `${LABEL_STUDIO_REQUEST_METRICS.duration}_count`, { route: 'api/storages/export/s3/{id}/sync' })).toBe(1);
  });

  it('counts the syncs Label Studio ran beyond the ones a workflow triggered', async () => {
    const id = sim.addStorage({ type: 'azure', project: 4, script: [{ status: 'completed', queuedMs: 0, runMs: 100 }] });
    const syncPath = `/api/storages/export/azure/${id}/sync`;
    // The workflow's POST is held on the way; another client's gets through first.
    sim.injectFault({ kind: 'hold', ms: 2_500, match: { method: 'POST', path: syncPath } });
    const { handle } = await startSync(client, taskQueue, 'azure', id);
    await until(() => sim.requests.some((r) => r.method === 'POST' && r.path === syncPath));
    expect((await fetch(`${sim.url}${syncPath}`, { method: 'POST', headers: { authorization: `Token ${sim.legacyToken}` } })).status).toBe(200);
    expect((await handle.result()).labelStudioSyncs).toEqual({ ran: 2, triggered: 1 });
    const after = await scrape(metricsUrl);
    expect(sample(after, SYNC_METRICS.unexpectedSyncs, { storage_type: 'azure' })).toBe(1);
    expect(sample(after, SYNC_METRICS.unexpectedSyncs, { storage_type: 's3' })).toBeNaN(); // every s3 sync was its workflow's own
  });

  // After the syncs above: a counter shows up once it counted (unexpected syncs: the test before).
  it('exposes every metric the Grafana dashboard queries, in the SDK\'s naming: one _total, snake_case labels', async () => {
    const text = await scrape(metricsUrl);
    const exposed = exposedSampleNames(text);
    const dashboard = JSON.parse(readFileSync(join(__dirname, '..', 'deploy', 'grafana', 'label-studio-temporal.json'), 'utf8')) as Dashboard;
    const queries = dashboardQueries(dashboard);
    expect(queries.length).toBeGreaterThan(0);
    for (const { where, expr } of queries) {
      const names = metricNamesIn(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(exposed.has(name), `${where} queries ${name}, which the worker does not expose`).toBe(true);
    }

    expect([...exposed].filter((name) => name.endsWith('_total_total'))).toEqual([]);
    expect(exposed).toContain('temporal_workflow_completed'); // the name Temporal's SDK metrics reference gives
    const ours = series(text).filter((s) => s.name.startsWith('label_studio_'));
    expect(ours.length).toBeGreaterThan(0);
    for (const { name, labels } of ours) {
      expect(Object.keys(labels), name).toEqual(expect.arrayContaining(['namespace', 'task_queue']));
      expect(Object.keys(labels).filter((label) => /[A-Z]/.test(label)), name).toEqual([]);
      expect(labels.task_queue, name).toBe(taskQueue);
    }
    expect(ours.filter((s) => s.name.startsWith('label_studio_sync_')).every((s) => s.labels.workflow_type === 'syncExportStorage')).toBe(true);
  });

  it('logs one JSON object a line, at the level asked, with neither the Label Studio key nor its address', () => {
    const lines = worker.stderr().trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; name: string });
    expect(entries.every((e) => e.name === 'label-studio-temporal' && typeof e.level === 'number')).toBe(true);
    expect(entries.find((e) => e.msg.startsWith(WORKER_STARTED))).toMatchObject({ taskQueue, connections: [TEST_CONNECTION] });
    expect(entries.some((e) => e.level === 20)).toBe(true); // LOG_LEVEL=debug lets debug lines through
    expect(worker.stderr()).not.toContain(sim.legacyToken);
    expect(worker.stderr()).not.toContain(new URL(sim.url).host);
  });
});

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.text();
}

/** The samples of a Prometheus text exposition, with their labels. */
function series(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text.split('\n').flatMap((line) => {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) return [];
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    return [{ name: match[1]!, labels, value: Number(match[3]) }];
  });
}

/** The value of a Prometheus sample, summed over the series whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const matching = series(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return matching.length ? matching.reduce((total, s) => total + s.value, 0) : Number.NaN;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 50));
}

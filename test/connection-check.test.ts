import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionEnvPrefix } from '../src/config/label-studio-connections';
import { LabelStudioClientRegistry } from '../src/labelstudio/client-registry';
import type { LabelStudioSimulator } from '../src/simulator';
import { ConnectionMonitor } from '../src/worker/connection-monitor';
import { HEALTH_PATHS, startHealthServer } from '../src/worker/health';
import { createLogger } from '../src/worker/logging';
import { rememberSecret } from './helpers/secrets';
import { startSimulator } from './helpers/simulated-label-studio';
import { labelStudioConnection, TEST_CONNECTION } from './helpers/temporal';
import { spawnWorker, WORKER_STARTED } from './helpers/worker-process';

// The worker checks each Label Studio connection as it starts: an error line and a 503 on /readyz naming the
// connection until a later check passes. (The CLI's own worker exits at once instead: test/cli-sync.test.ts.)
const sims: LabelStudioSimulator[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

describe('the worker process with a key Label Studio refuses', () => {
  it('logs one error naming the connection and answers /readyz 503 naming it, while it keeps polling', async () => {
    const sim = await startSimulator();
    sims.push(sim);
    const key = `refused-${randomUUID()}`;
    rememberSecret(key);
    const healthPort = await freePort();
    const prefix = connectionEnvPrefix(TEST_CONNECTION);
    const worker = spawnWorker({
      LABEL_STUDIO_CONNECTIONS: TEST_CONNECTION,
      [`${prefix}URL`]: sim.url,
      [`${prefix}API_KEY`]: key,
      LABEL_STUDIO_TEMPORAL_TASK_QUEUE: `refused-key-${randomUUID()}`,
      LST_HEALTH_ADDRESS: `127.0.0.1:${healthPort}`,
    });
    try {
      await worker.waitFor(WORKER_STARTED);
      await worker.waitFor('refused the key');
      const errors = worker.stderr().split('\n').filter((l) => l.includes('"level":50'));
      expect(errors).toHaveLength(1);
      expect(JSON.parse(errors[0]!)).toMatchObject({
        connection: TEST_CONNECTION,
        configuration: true,
        msg: expect.stringContaining(`Label Studio connection "${TEST_CONNECTION}": Label Studio refused the key (HTTP 401: Invalid token.): check ${prefix}API_KEY`),
      });
      expect(worker.stderr()).not.toContain(key);
      expect(worker.stderr()).not.toContain(new URL(sim.url).host);

      const live = await fetch(`http://127.0.0.1:${healthPort}${HEALTH_PATHS.liveness}`);
      expect(live.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${healthPort}${HEALTH_PATHS.readiness}`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: 'unavailable',
        worker: 'RUNNING',
        connections: { [TEST_CONNECTION]: expect.stringContaining('refused the key') },
      });
    } finally {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }
  });
});

describe('a connection that fails its first check', () => {
  it('is checked again with backoff, and /readyz answers 200 once it passes', async () => {
    const port = await freePort(); // nothing listens there yet: connection refused
    const connection = labelStudioConnection('later', `http://127.0.0.1:${port}`, 'key-of-later');
    const registry = new LabelStudioClientRegistry(new Map([['later', connection]]));
    const out = new PassThrough();
    let logged = '';
    out.on('data', (c: Buffer) => (logged += c.toString()));
    const monitor = new ConnectionMonitor(new Map([['later', connection]]), registry, createLogger({ logLevel: 'info', logFormat: 'json' }, out), { initialMs: 100, maxMs: 200 });
    const health = await startHealthServer('127.0.0.1:0', () => 'RUNNING', () => monitor.unready());
    const readiness = () => fetch(`http://127.0.0.1:${health.address.port}${HEALTH_PATHS.readiness}`);
    try {
      const problems = await monitor.start();
      expect(problems).toEqual([{ connection: 'later', configuration: false, message: expect.stringContaining('cannot reach Label Studio (ECONNREFUSED)') }]);
      const down = await readiness();
      expect(down.status).toBe(503);
      expect(((await down.json()) as { connections: unknown }).connections).toEqual({ later: expect.stringContaining('ECONNREFUSED') });

      const sim = await startSimulator({ port, legacyToken: 'key-of-later' });
      sims.push(sim);
      while (Object.keys(monitor.unready()).length > 0) await new Promise((r) => setTimeout(r, 50));
      expect((await readiness()).status).toBe(200);
      const lines = logged.trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string });
      expect(lines.filter((l) => l.level === 50)).toHaveLength(1); // the same problem again is a debug line
      expect(lines.at(-1)).toMatchObject({ level: 30, msg: 'Label Studio connection "later": reachable, key accepted' });
    } finally {
      monitor.close();
      await health.close();
      await registry.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

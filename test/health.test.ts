import type { State } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH_PATHS, startHealthServer, type HealthServer } from '../src/worker/health';

describe('the health endpoint', () => {
  let state: State | undefined;
  let server: HealthServer;
  const status = async (path: string) => (await fetch(`http://127.0.0.1:${server.address.port}${path}`)).status;

  beforeAll(async () => {
    server = await startHealthServer('127.0.0.1:0', () => state);
  });
  afterAll(() => server?.close());

  it.each([
    [undefined, 200, 503],
    ['INITIALIZED', 200, 503],
    ['RUNNING', 200, 200],
    ['STOPPING', 200, 503],
    ['DRAINING', 200, 503],
    ['STOPPED', 200, 503],
    ['FAILED', 503, 503],
  ] as const)('answers liveness and readiness for a worker in state %s', async (worker, live, ready) => {
    state = worker;
    expect(await status(HEALTH_PATHS.liveness)).toBe(live);
    expect(await status(HEALTH_PATHS.readiness)).toBe(ready);
  });

  it('answers 404 elsewhere', async () => {
    expect(await status('/metrics')).toBe(404);
  });
});

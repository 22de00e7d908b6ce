import { createServer, type Server } from 'node:http';
import type { State } from '@temporalio/worker';
import { hostAndPort } from '../config/observability';

export const HEALTH_PATHS = { liveness: '/livez', readiness: '/readyz' } as const;

export interface HealthServer {
  /** The address it listens on (the port is the real one when 0 was asked). */
  address: { host: string; port: number };
  close(): Promise<void>;
}

/**
 * Kubernetes probes for a worker. /livez answers 200 unless the worker failed (then restart it);
 * /readyz answers 200 only while the worker runs and polls, 503 before it starts and once it
 * shuts down. `state` is undefined until the worker exists.
 */
export async function startHealthServer(bindAddress: string, state: () => State | undefined): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const current = state() ?? 'STARTING';
    const path = req.url?.split('?')[0];
    const ok =
      path === HEALTH_PATHS.liveness ? current !== 'FAILED' : path === HEALTH_PATHS.readiness ? current === 'RUNNING' : undefined;
    if (ok === undefined || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', worker: current }));
  });
  const { host, port } = hostAndPort(bindAddress);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return { address: { host, port: (server.address() as { port: number }).port }, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

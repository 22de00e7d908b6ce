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
 * /readyz answers 200 only while the worker runs and polls and every Label Studio connection passed
 * its check, 503 before it starts, once it shuts down, and while a connection fails (the body names
 * it and why). `state` is undefined until the worker exists.
 */
export async function startHealthServer(
  bindAddress: string,
  state: () => State | undefined,
  unreadyConnections: () => Record<string, string> = () => ({}),
): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const current = state() ?? 'STARTING';
    const path = req.url?.split('?')[0];
    const connections = path === HEALTH_PATHS.readiness ? unreadyConnections() : {};
    const ok =
      path === HEALTH_PATHS.liveness
        ? current !== 'FAILED'
        : path === HEALTH_PATHS.readiness
          ? current === 'RUNNING' && Object.keys(connections).length === 0
          : undefined;
    if (ok === undefined || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    const body = { status: ok ? 'ok' : 'unavailable', worker: current, ...(Object.keys(connections).length > 0 && { connections }) };
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
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

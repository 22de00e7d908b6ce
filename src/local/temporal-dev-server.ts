import { Connection } from '@temporalio/client';
import { connect } from 'node:net';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../workflows/search-attributes';
import { freeLoopbackPort, startLocalProcess, waitUntilReady } from './child-process';
import { findTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  /** Keep state in this SQLite file; in memory when absent. */
  dbFilename?: string;
  /** Serve the Web UI (on a free port); default true. */
  ui?: boolean;
  namespace?: string;
  /** Copy the server's output to stderr. */
  echo?: boolean;
  /** The gRPC port; a free one when absent. A restart on the same port and file is the same server to its clients. */
  port?: number;
}

export interface RunningDevServer {
  /** host:port for the gRPC frontend. */
  address: string;
  namespace: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
}

/** A Temporal dev server on loopback with this package's search attributes registered. */
export async function startTemporalDevServer(options: DevServerOptions = {}): Promise<RunningDevServer> {
  const cli = await findTemporalCli();
  const namespace = options.namespace ?? 'default';
  const port = options.port ?? (await freeLoopbackPort());
  const uiPort = options.ui === false ? undefined : await freeLoopbackPort();
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace, '--log-level', 'warn'];
  args.push(...(uiPort ? ['--ui-port', String(uiPort)] : ['--headless']));
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_DEFINITIONS)) args.push('--search-attribute', `${name}=${type}`);
  // Task priority (syncs someone waits for ahead of batch ones) needs the server's priority matcher, off
  // by default; and a queue split into partitions orders each part alone, which one process does not need.
  for (const setting of ['matching.useNewMatcher=true', 'matching.numTaskqueueReadPartitions=1', 'matching.numTaskqueueWritePartitions=1']) {
    args.push('--dynamic-config-value', setting);
  }

  const proc = startLocalProcess({ name: 'temporal', command: cli, args, echo: options.echo });
  const address = `127.0.0.1:${port}`;
  await waitUntilReady(
    proc,
    'Temporal dev server',
    () => portAccepts(port),
    60_000,
    300,
  );
  // The port opens a moment before the frontend serves; one real call proves it does.
  const connection = await Connection.connect({ address, connectTimeout: 10_000 });
  try {
    await connection.workflowService.getSystemInfo({});
  } finally {
    await connection.close();
  }
  return { address, namespace, uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : undefined, stop: () => proc.stop() };
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

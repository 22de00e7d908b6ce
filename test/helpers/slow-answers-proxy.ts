import { createServer, connect, type Server, type Socket } from 'node:net';

export interface SlowAnswersProxy {
  /** host:port to give the client instead of the server's. */
  address: string;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of `target` (host:port) that passes requests on at once and answers `delayMs`
 * late: the server has acted on a call well before the caller hears back, a window a test can signal into.
 */
export function startSlowAnswersProxy(target: string, delayMs: number): Promise<SlowAnswersProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host, port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => setTimeout(() => client.writable && client.write(chunk), delayMs));
    upstream.on('end', () => setTimeout(() => client.end(), delayMs));
    client.on('close', () => upstream.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port: own } = server.address() as { port: number };
      resolve({
        address: `127.0.0.1:${own}`,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

// A pass-through HTTP proxy in front of Label Studio that records each request a worker sends: which
// routes, how many, with which auth scheme. The test sees what the worker did without trusting its code.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  /** Label Studio's answer; undefined until it arrives. */
  status?: number;
}

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const recorded: RecordedRequest = { method: incoming.method ?? 'GET', path: incoming.url ?? '/', authorization: incoming.headers.authorization };
    requests.push(recorded);
    forward(upstream, incoming, outgoing, incoming, (status) => (recorded.status = status));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // the worker's keep-alive connections would hold close() open
        server.close(() => resolve());
      }),
  };
}

/** Sends the request on to `upstream` with `body` (the request itself, or what was read of it) and pipes the answer back. */
export function forward(upstream: URL, incoming: IncomingMessage, outgoing: ServerResponse, body: IncomingMessage | Buffer, answered: (status: number | undefined) => void = () => undefined): void {
  const forwarded = request(
    { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: upstream.host } },
    (answer) => {
      answered(answer.statusCode);
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  forwarded.once('error', () => outgoing.destroy());
  if (Buffer.isBuffer(body)) forwarded.end(body);
  else body.pipe(forwarded);
}

// A pass-through proxy in front of a bucket emulator that refuses the upload of chosen object names with
// 403, as a bucket policy or a full quota would: Label Studio's export gets a definite error for that one
// object (no client retries a 403) and, as its source shows, swallows it and reports the sync completed.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forward } from './recording-proxy';

export interface WriteRefusingProxy {
  url: string;
  /** Object names (with their prefix) whose uploads are refused; empty: everything passes. */
  refused: Set<string>;
  /** Uploads refused so far. */
  refusals: number;
  close(): Promise<void>;
}

export async function startWriteRefusingProxy(target: string): Promise<WriteRefusingProxy> {
  const upstream = new URL(target);
  const proxy = { refused: new Set<string>(), refusals: 0 };
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      if (isRefused(proxy.refused, incoming.method ?? 'GET', incoming.url ?? '/', body)) {
        proxy.refusals += 1;
        outgoing.writeHead(403, { 'content-type': 'application/xml' });
        outgoing.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>refused by the test</Message></Error>');
        return;
      }
      forward(upstream, incoming, outgoing, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/**
 * An upload of a refused name: S3's PUT /<bucket>/<name>, or GCS's POST /upload/… whose name is in the
 * query (media uploads) or in the JSON metadata part of a multipart body.
 */
function isRefused(refused: ReadonlySet<string>, method: string, url: string, body: Buffer): boolean {
  if (refused.size === 0 || (method !== 'PUT' && method !== 'POST')) return false;
  const { pathname, searchParams } = new URL(url, 'http://proxy');
  const path = decodeURIComponent(pathname);
  const text = pathname.startsWith('/upload/') ? body.toString('latin1') : '';
  for (const name of refused) {
    if (path.endsWith(`/${name}`) || searchParams.get('name') === name || text.includes(`"name": "${name}"`) || text.includes(`"name":"${name}"`)) return true;
  }
  return false;
}

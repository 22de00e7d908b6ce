import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedLineage {
  /** Each event as it arrived, with the Authorization header it came with. */
  events: { body: Record<string, any>; raw: string; authorization: string | undefined }[];
  url: string;
  close(): Promise<void>;
}

/** An OpenLineage endpoint on loopback: keeps every POST to /api/v1/lineage, answers 201. */
export async function startLineageReceiver(): Promise<ReceivedLineage> {
  const events: ReceivedLineage['events'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/api/v1/lineage') {
        res.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      events.push({ body: JSON.parse(raw) as Record<string, any>, raw, authorization: req.headers.authorization });
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { events, url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A loopback URL where nothing listens: a port taken and released. */
export async function deadLineageUrl(): Promise<string> {
  const receiver = await startLineageReceiver();
  await receiver.close();
  return receiver.url;
}

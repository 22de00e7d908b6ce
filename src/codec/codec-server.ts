import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { secretMatches } from '../webhooks/secret';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The exact `Authorization` header every request must carry; unset, none is asked for. */
  authorization?: string;
  /** Browser origins (the Web UI's, e.g. http://localhost:8233) allowed to call it. */
  corsOrigins: string[];
  /** Larger request bodies are refused with 413. */
  maxBodyBytes?: number;
}

export interface CodecServer {
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** Room for a page of history: the server caps one payload at 2 MiB, the Web UI sends several at once. */
export const DEFAULT_CODEC_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** What a browser on an allowed origin may send: the Web UI's headers, including the codec's Authorization. */
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-Namespace';

/** The payloads of a request or answer, as the codec-server protocol writes them: metadata values and data in base64. */
interface JsonPayloads {
  payloads: Array<{ metadata?: Record<string, string> | null; data?: string | null }>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A remote codec server (Temporal's protocol: POST `/encode` and `/decode`, a path prefix allowed,
 * with `{payloads: [...]}` in JSON): `temporal --codec-endpoint` and the Web UI send it payloads
 * to decode with the key, so they show what the history holds encrypted. One codec for every
 * namespace: the X-Namespace header is accepted and not used.
 */
export function createCodecServer(options: CodecServerOptions): CodecServer {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_CODEC_MAX_BODY_BYTES;
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) send(res, status, { error: (err as Error)?.message ?? String(err) });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    const corsAllowed = origin !== undefined && options.corsOrigins.includes(origin);
    if (corsAllowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true'); // the Web UI's "include cross-origin credentials"
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      // A preflight carries no Authorization: answered for allowed origins only, without asking for it.
      if (!corsAllowed) throw new HttpError(403, `origin ${origin ?? '(none)'} is not allowed: start the codec server with --cors-origin ${origin ?? '<origin>'}`);
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'POST, OPTIONS', 'Access-Control-Allow-Headers': ALLOWED_HEADERS, 'Access-Control-Max-Age': '600' }).end();
      return;
    }
    const operation = /\/(encode|decode)$/.exec(new URL(req.url ?? '/', 'http://codec').pathname)?.[1];
    if (!operation) throw new HttpError(404, 'POST /encode or /decode');
    if (req.method !== 'POST') throw new HttpError(405, `${req.method} is not allowed: POST /${operation}`);
    if (options.authorization !== undefined && !secretMatches(req.headers.authorization, options.authorization)) {
      throw new HttpError(401, 'missing or wrong Authorization header');
    }
    const payloads = fromJson(parseBody(await readBody(req, maxBodyBytes)));
    const answer = operation === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
    send(res, 200, toJson(answer));
  }

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const { address, port: bound } = server.address() as AddressInfo;
          resolve(`http://${address.includes(':') ? `[${address}]` : address}:${bound}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

/** The body as text, refused (413) as soon as it passes `limit` bytes; the rest is drained so the answer still gets through. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData).resume();
      reject(new HttpError(413, `body larger than ${limit} bytes`));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function parseBody(text: string): JsonPayloads {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON: send {"payloads": [{"metadata": {...}, "data": "<base64>"}]}');
  }
  if (!body || typeof body !== 'object' || !Array.isArray((body as JsonPayloads).payloads)) {
    throw new HttpError(400, 'the body has no "payloads" array: send {"payloads": [{"metadata": {...}, "data": "<base64>"}]}');
  }
  return body as JsonPayloads;
}

function fromJson({ payloads }: JsonPayloads): Payload[] {
  return payloads.map(({ metadata, data }) => ({
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(data ?? '', 'base64'),
  }));
}

function toJson(payloads: Payload[]): JsonPayloads {
  return {
    payloads: payloads.map(({ metadata, data }) => ({
      metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(data ?? []).toString('base64'),
    })),
  };
}

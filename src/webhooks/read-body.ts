import type { IncomingMessage } from 'node:http';
import { WebhookRejection } from './rejection';

/** The body as text, refused (413) as soon as it passes `limit` bytes, whatever Content-Length said. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function tooLarge(limit: number): WebhookRejection {
  return new WebhookRejection(413, `body larger than ${limit} bytes; raise the receiver's limit or turn off "send payload" on the webhook and put ?project=<id> in its URL`);
}

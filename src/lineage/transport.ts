import { request } from 'undici';
import type { LineageConfig } from '../config/lineage';

export type SendLineage = (event: Record<string, unknown>) => Promise<void>;

/** One try at most this long: the emitting activity's retry policy retries. */
const HTTP_TIMEOUT_MS = 10_000;

/** Sends events as configured: POSTed to OPENLINEAGE_URL's /api/v1/lineage, or one JSON line on stdout. */
export function lineageTransport(config: LineageConfig, stdout: NodeJS.WritableStream = process.stdout): SendLineage {
  if (config.transport === 'console') {
    return async (event) => {
      stdout.write(`${JSON.stringify(event)}\n`);
    };
  }
  const endpoint = new URL('api/v1/lineage', config.url.endsWith('/') ? config.url : `${config.url}/`);
  return async (event) => {
    const response = await request(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(config.apiKey && { authorization: `Bearer ${config.apiKey}` }) },
      body: JSON.stringify(event),
      headersTimeout: HTTP_TIMEOUT_MS,
      bodyTimeout: HTTP_TIMEOUT_MS,
    }).catch((err: unknown) => {
      // undici's messages name the host; its code says enough.
      throw new Error(`OpenLineage endpoint unreachable: ${(err as { code?: string }).code ?? (err as Error).name}`);
    });
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode >= 300) throw new Error(`OpenLineage endpoint answered ${response.statusCode}`);
  };
}

import { lookup } from 'node:dns/promises';
import { connectionEnvPrefix, type LabelStudioConnection } from '../config/label-studio-connections';
import type { LabelStudioClient } from '../labelstudio/client';
import { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { LabelStudioError } from '../labelstudio/errors';
import { ConnectionCheckError, type ConnectionProblem } from './connection-problem';

/**
 * Checks that a connection reaches Label Studio and that it accepts the key: the host must resolve, and a
 * read that only a valid key is answered (who am I) must succeed. Null when it does; never throws.
 */
export async function checkConnection(connection: LabelStudioConnection, client: LabelStudioClient): Promise<ConnectionProblem | null> {
  const prefix = connectionEnvPrefix(connection.name);
  const problem = (configuration: boolean, what: string) => ({ connection: connection.name, configuration, message: `Label Studio connection "${connection.name}": ${what}` });
  const host = new URL(connection.baseUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  try {
    await lookup(host);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    // EAI_AGAIN is a resolver that did not answer, which may pass; ENOTFOUND is a name that does not exist.
    if (code === 'ENOTFOUND') return problem(true, `unknown host (ENOTFOUND): check ${prefix}URL`);
    return problem(false, `cannot resolve its host (${typeof code === 'string' ? code : 'DNS error'})`);
  }
  try {
    await client.checkAccess();
    return null;
  } catch (err) {
    // Only the error's name: a message from below the client might carry the URL.
    if (!(err instanceof LabelStudioError)) return problem(false, `the check failed (${err instanceof Error ? err.name : 'unknown error'})`);
    if (err.kind === 'unauthorized' || err.kind === 'forbidden') {
      return problem(true, `Label Studio refused the key (HTTP ${err.httpStatus}${err.detail ? `: ${err.detail}` : ''}): check ${prefix}API_KEY`);
    }
    // Only the status: a debug error page may quote the URL.
    if (err.permanent) return problem(true, `no Label Studio API answers at this URL (${err.httpStatus ? `HTTP ${err.httpStatus}` : 'not the expected answer'}): check ${prefix}URL`);
    // The client's message names the connection too.
    return { connection: connection.name, configuration: false, message: `${err.message}: check ${prefix}URL and that Label Studio is up` };
  }
}

/** Checks every connection once, as the CLI's own worker starts: the first problem (configuration ones first) is thrown. */
export async function assertConnections(connections: ReadonlyMap<string, LabelStudioConnection>): Promise<void> {
  const clients = new LabelStudioClientRegistry(connections);
  try {
    const problems = await Promise.all([...connections.values()].map((c) => checkConnection(c, clients.get(c.name)!)));
    const found = problems.filter((p): p is ConnectionProblem => p !== null);
    const first = found.find((p) => p.configuration) ?? found[0];
    if (first) throw new ConnectionCheckError(first);
  } finally {
    await clients.close();
  }
}

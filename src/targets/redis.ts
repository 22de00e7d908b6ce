import { createClient } from 'redis';
import type { RedisTargetConfig } from './target-config';
import type { TargetCount } from './target-count';

export interface RedisLocation {
  /** The storage's host and port; empty means localhost:6379, as in Label Studio. */
  host: string | undefined;
  port: string | undefined;
  db: number;
}

/**
 * Keys in the storage's database. Label Studio's redis export has no key prefix (it writes one key per
 * annotation id into the db), so every key there counts: give the export a database of its own.
 */
export async function countRedisKeys(location: RedisLocation, config: RedisTargetConfig): Promise<TargetCount> {
  const client = createClient({
    url: config.url ?? `redis://${location.host || 'localhost'}:${location.port || '6379'}`,
    password: config.password,
    database: location.db,
    socket: { connectTimeout: 10_000, reconnectStrategy: false },
  });
  client.on('error', () => undefined); // connection errors reject connect() or the command; unhandled they would crash the worker
  await client.connect();
  try {
    return { target: `redis db ${location.db}`, objects: await client.dbSize() };
  } finally {
    client.destroy();
  }
}

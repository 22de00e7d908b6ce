import { createClient } from 'redis';
import type { RedisTargetConfig } from './target-config';
import type { TargetCount, TargetListing } from './target-count';

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
  const client = await connect(location, config);
  try {
    return { target: describe(location), objects: await client.dbSize() };
  } finally {
    client.destroy();
  }
}

/** Every key in the storage's database, a SCAN batch at a time (SCAN may repeat a key; callers keep sets). */
export function listRedisKeys(location: RedisLocation, config: RedisTargetConfig, batch = 1000): TargetListing {
  return { target: describe(location), pages: scanPages(location, config, batch) };
}

async function* scanPages(location: RedisLocation, config: RedisTargetConfig, batch: number): AsyncGenerator<string[]> {
  const client = await connect(location, config);
  try {
    let cursor = '0';
    do {
      const reply = await client.scan(cursor, { COUNT: batch });
      yield reply.keys;
      cursor = String(reply.cursor);
    } while (cursor !== '0');
  } finally {
    client.destroy();
  }
}

async function connect(location: RedisLocation, config: RedisTargetConfig) {
  const client = createClient({
    url: config.url ?? `redis://${location.host || 'localhost'}:${location.port || '6379'}`,
    password: config.password,
    database: location.db,
    socket: { connectTimeout: 10_000, reconnectStrategy: false },
  });
  client.on('error', () => undefined); // connection errors reject connect() or the command; unhandled they would crash the worker
  await client.connect();
  return client;
}

function describe(location: RedisLocation): string {
  return `redis db ${location.db}`;
}

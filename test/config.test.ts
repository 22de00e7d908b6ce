import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/config-error';
import { loadLabelStudioConnections } from '../src/config/label-studio-connections';
import { loadTemporalConnectConfig } from '../src/config/temporal-connection';

const ROOT = join(__dirname, '..');

function configError(env: Record<string, string>): ConfigError {
  try {
    loadLabelStudioConnections(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('Label Studio connections from the environment', () => {
  it('reads the default connection and named ones', () => {
    const connections = loadLabelStudioConnections({
      LABEL_STUDIO_URL: 'http://ls:8080',
      LABEL_STUDIO_API_KEY: 'k1',
      LABEL_STUDIO_CONNECTIONS: 'eu-west',
      LABEL_STUDIO_EU_WEST_URL: 'https://eu.example.com',
      LABEL_STUDIO_EU_WEST_API_KEY: 'k2',
      LABEL_STUDIO_RESPONSE_TIMEOUT_MS: '5000',
    });
    expect([...connections.keys()]).toEqual(['default', 'eu-west']);
    expect(connections.get('eu-west')).toMatchObject({ baseUrl: 'https://eu.example.com', apiKey: 'k2', responseTimeoutMs: 5000 });
    expect(connections.get('eu-west')!.readTimeoutMs).toBeUndefined(); // the client's default: 30 s, at most the response timeout
  });

  it('reads the reads\' timeout apart from the sync POST\'s', () => {
    const connections = loadLabelStudioConnections({ LABEL_STUDIO_URL: 'http://ls:8080', LABEL_STUDIO_API_KEY: 'k', LABEL_STUDIO_READ_TIMEOUT_MS: ' 7000 ' });
    expect(connections.get('default')).toMatchObject({ responseTimeoutMs: 300_000, readTimeoutMs: 7_000 });
  });

  it('reads the answer size cap, 8 MiB unless set', () => {
    const base = { LABEL_STUDIO_URL: 'http://ls:8080', LABEL_STUDIO_API_KEY: 'k' };
    expect(loadLabelStudioConnections(base).get('default')!.maxResponseBytes).toBe(8 * 1024 * 1024);
    expect(loadLabelStudioConnections({ ...base, LABEL_STUDIO_MAX_RESPONSE_BYTES: '1000' }).get('default')!.maxResponseBytes).toBe(1000);
  });

  it.each([
    [{ LABEL_STUDIO_URL: 'http://ls', LABEL_STUDIO_API_KEY: 'k', LABEL_STUDIO_MAX_RESPONSE_BYTES: '0' }, 'LABEL_STUDIO_MAX_RESPONSE_BYTES'],
    [{}, 'LABEL_STUDIO_URL: not set'],
    [{ LABEL_STUDIO_URL: 'http://ls:8080' }, 'LABEL_STUDIO_API_KEY: not set'],
    [{ LABEL_STUDIO_URL: 'ls:8080', LABEL_STUDIO_API_KEY: 'k' }, 'LABEL_STUDIO_URL: has scheme ls:'],
    [{ LABEL_STUDIO_URL: 'not a url', LABEL_STUDIO_API_KEY: 'k' }, 'LABEL_STUDIO_URL: is not a URL'],
    [{ LABEL_STUDIO_URL: 'http://ls', LABEL_STUDIO_API_KEY: 'k', LABEL_STUDIO_CONNECT_TIMEOUT_MS: '-1' }, 'LABEL_STUDIO_CONNECT_TIMEOUT_MS'],
    [{ LABEL_STUDIO_CONNECTIONS: 'EU!' }, 'LABEL_STUDIO_CONNECTIONS'],
    [{ LABEL_STUDIO_CONNECTIONS: 'eu', LABEL_STUDIO_EU_URL: 'http://eu' }, 'LABEL_STUDIO_EU_API_KEY: not set'],
  ])('names the variable to fix (%j)', (env, expected) => {
    expect(configError(env).message).toContain(expected);
  });
});

describe('the Temporal address', () => {
  it.each(['localhost', 'localhost:7233', 'temporal.example.com:7233', '10.0.0.7:7233', '[::1]:7233'])('accepts %s', (address) => {
    expect(loadTemporalConnectConfig({ TEMPORAL_ADDRESS: address }).connectionOptions.address).toBe(address);
  });

  it.each(['http://localhost:7233', 'localhost:7233/ns', 'local host:7233', 'localhost:', 'localhost:0', 'localhost:65536', ':7233'])('refuses %s, naming TEMPORAL_ADDRESS', (address) => {
    expect(() => loadTemporalConnectConfig({ TEMPORAL_ADDRESS: address })).toThrow(ConfigError);
    expect(() => loadTemporalConnectConfig({ TEMPORAL_ADDRESS: address })).toThrow(/^TEMPORAL_ADDRESS: .* is not a host:port address/);
  });
});

describe('the worker process', () => {
  it('exits 5 (configuration, as every command) with one line naming the missing variable', () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'worker.ts')], { env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(5);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^configuration error: LABEL_STUDIO_URL: not set\. Set it to the Label Studio base URL/);
  });
});

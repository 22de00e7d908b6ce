import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/config-error';
import { loadLabelStudioConnections } from '../src/config/label-studio-connections';
import { redact } from '../src/config/redact';
import { loadTemporalConnectConfig } from '../src/config/temporal-connection';
import { workerDeploymentFromEnv } from '../src/config/worker-deployment';
import { loadTargetConfig } from '../src/targets/target-config';
import { loadWorkerConfig } from '../src/worker';
import { workerTuningFromEnv } from '../src/worker/tuning';
import { rememberSecret } from './helpers/secrets';

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

  it('reads the request budget, 25 per second unless set, per connection over the shared one', () => {
    const env = { LABEL_STUDIO_URL: 'http://ls:8080', LABEL_STUDIO_API_KEY: 'k', LABEL_STUDIO_CONNECTIONS: 'eu,us', LABEL_STUDIO_EU_URL: 'http://eu', LABEL_STUDIO_EU_API_KEY: 'k', LABEL_STUDIO_US_URL: 'http://us', LABEL_STUDIO_US_API_KEY: 'k' };
    const budgets = (extra: Record<string, string>) => [...loadLabelStudioConnections({ ...env, ...extra }).values()].map((c) => c.requestsPerSecond);
    expect(budgets({})).toEqual([25, 25, 25]);
    expect(budgets({ LABEL_STUDIO_REQUESTS_PER_SECOND: '0.5', LABEL_STUDIO_US_REQUESTS_PER_SECOND: 'unlimited' })).toEqual([0.5, 0.5, 'unlimited']);
    expect(budgets({ LABEL_STUDIO_EU_REQUESTS_PER_SECOND: ' 40 ' })).toEqual([25, 40, 25]);
  });

  it.each([
    [{ LABEL_STUDIO_URL: 'http://ls', LABEL_STUDIO_API_KEY: 'k', LABEL_STUDIO_MAX_RESPONSE_BYTES: '0' }, 'LABEL_STUDIO_MAX_RESPONSE_BYTES'],
    [{ LABEL_STUDIO_URL: 'http://ls', LABEL_STUDIO_API_KEY: 'k', LABEL_STUDIO_REQUESTS_PER_SECOND: '0' }, 'LABEL_STUDIO_REQUESTS_PER_SECOND: is neither a number of requests per second above 0'],
    [{ LABEL_STUDIO_CONNECTIONS: 'eu', LABEL_STUDIO_EU_URL: 'http://eu', LABEL_STUDIO_EU_API_KEY: 'k', LABEL_STUDIO_EU_REQUESTS_PER_SECOND: 'lots' }, 'LABEL_STUDIO_EU_REQUESTS_PER_SECOND'],
    [{}, 'LABEL_STUDIO_URL: not set'],
    [{ LABEL_STUDIO_URL: 'http://ls:8080' }, 'LABEL_STUDIO_API_KEY: not set'],
    [{ LABEL_STUDIO_URL: 'ls:8080', LABEL_STUDIO_API_KEY: 'k' }, 'LABEL_STUDIO_URL: has no http:// or https:// scheme'],
    [{ LABEL_STUDIO_URL: 'not a url', LABEL_STUDIO_API_KEY: 'k' }, 'LABEL_STUDIO_URL: is not a URL'],
    [{ LABEL_STUDIO_URL: 'http://ls', LABEL_STUDIO_API_KEY: 'k', LABEL_STUDIO_CONNECT_TIMEOUT_MS: '-1' }, 'LABEL_STUDIO_CONNECT_TIMEOUT_MS'],
    [{ LABEL_STUDIO_CONNECTIONS: 'EU!' }, 'LABEL_STUDIO_CONNECTIONS'],
    [{ LABEL_STUDIO_CONNECTIONS: 'eu', LABEL_STUDIO_EU_URL: 'http://eu' }, 'LABEL_STUDIO_EU_API_KEY: not set'],
  ])('names the variable to fix (%j)', (env, expected) => {
    expect(configError(env).message).toContain(expected);
  });
});

describe('the worker tuning', () => {
  it('reads the sticky schedule-to-start timeout, the tuned default unless set, and names the variable when it is wrong', () => {
    expect(workerTuningFromEnv({})).toEqual({ stickyQueueScheduleToStartTimeout: 3_000 });
    expect(workerTuningFromEnv({ LST_STICKY_SCHEDULE_TO_START_TIMEOUT_MS: '10000' })).toEqual({ stickyQueueScheduleToStartTimeout: 10_000 });
    expect(() => workerTuningFromEnv({ LST_STICKY_SCHEDULE_TO_START_TIMEOUT_MS: '10s' })).toThrow(/^LST_STICKY_SCHEDULE_TO_START_TIMEOUT_MS: is not a whole number/);
  });
});

describe('the Temporal address', () => {
  it.each(['localhost', 'localhost:7233', 'temporal.example.com:7233', '10.0.0.7:7233', '[::1]:7233'])('accepts %s', (address) => {
    expect(loadTemporalConnectConfig({ TEMPORAL_ADDRESS: address }).connectionOptions.address).toBe(address);
  });

  it.each(['http://localhost:7233', 'localhost:7233/ns', 'local host:7233', 'localhost:', 'localhost:0', 'localhost:65536', ':7233'])('refuses %s, naming TEMPORAL_ADDRESS', (address) => {
    expect(() => loadTemporalConnectConfig({ TEMPORAL_ADDRESS: address })).toThrow(ConfigError);
    expect(() => loadTemporalConnectConfig({ TEMPORAL_ADDRESS: address })).toThrow(/^TEMPORAL_ADDRESS: is not a host:port address/);
  });
});

describe('the Worker Deployment Version (TEMPORAL_DEPLOYMENT_NAME, TEMPORAL_WORKER_BUILD_ID)', () => {
  it('is read from both variables, and absent (unversioned) when neither is set', () => {
    expect(workerDeploymentFromEnv({ TEMPORAL_DEPLOYMENT_NAME: ' ls-sync ', TEMPORAL_WORKER_BUILD_ID: '1.4.0' })).toEqual({ deploymentName: 'ls-sync', buildId: '1.4.0' });
    expect(workerDeploymentFromEnv({ TEMPORAL_DEPLOYMENT_NAME: ' ', TEMPORAL_WORKER_BUILD_ID: '' })).toBeUndefined();
    expect(loadWorkerConfig({ LABEL_STUDIO_URL: 'http://ls:8080', LABEL_STUDIO_API_KEY: 'k1', TEMPORAL_DEPLOYMENT_NAME: 'ls-sync', TEMPORAL_WORKER_BUILD_ID: 'v2' }).deployment).toEqual({ deploymentName: 'ls-sync', buildId: 'v2' });
  });

  it.each([
    [{ TEMPORAL_WORKER_BUILD_ID: '1.4.0' }, /^TEMPORAL_DEPLOYMENT_NAME: is unset while TEMPORAL_WORKER_BUILD_ID is set/],
    [{ TEMPORAL_DEPLOYMENT_NAME: 'ls-sync' }, /^TEMPORAL_WORKER_BUILD_ID: is unset while TEMPORAL_DEPLOYMENT_NAME is set/],
    [{ TEMPORAL_DEPLOYMENT_NAME: 'ls.sync', TEMPORAL_WORKER_BUILD_ID: '1.4.0' }, /^TEMPORAL_DEPLOYMENT_NAME: contains "\." or ":"/],
    [{ TEMPORAL_DEPLOYMENT_NAME: 'ls-sync', TEMPORAL_WORKER_BUILD_ID: '__unversioned__' }, /^TEMPORAL_WORKER_BUILD_ID: is __unversioned__/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => workerDeploymentFromEnv(env)).toThrow(ConfigError);
    expect(() => workerDeploymentFromEnv(env)).toThrow(message);
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

describe('credentials in configuration', () => {
  it.each([
    ['http://user:pass@ls.example.com:8080/x', 'http://***@ls.example.com:8080/x'],
    ['cannot reach "user:pass@temporal:7233"', 'cannot reach "***@temporal:7233"'],
    ['https://ls.example.com/?token=abc&page=2', 'https://ls.example.com/?token=***&page=2'],
    ['https://ls.example.com/?x=1&api_key=abc#frag', 'https://ls.example.com/?x=1&api_key=***#frag'],
    ['redis://:pw@cache:6379', 'redis://***@cache:6379'],
    ['an address, localhost:7233, and a mail someone@example.com', 'an address, localhost:7233, and a mail ***@example.com'],
    ['http://ls.example.com:8080/api/projects/?page=2', 'http://ls.example.com:8080/api/projects/?page=2'],
  ])('redacts %s', (text, redacted) => {
    expect(redact(text)).toBe(redacted);
  });

  it.each([
    ['LABEL_STUDIO_URL', { LABEL_STUDIO_URL: 'http://alice:pw@ls:8080', LABEL_STUDIO_API_KEY: 'k' }],
    ['LABEL_STUDIO_EU_URL', { LABEL_STUDIO_CONNECTIONS: 'eu', LABEL_STUDIO_EU_URL: 'https://alice@eu.example.com', LABEL_STUDIO_EU_API_KEY: 'k' }],
  ])('refuses a Label Studio URL holding credentials, naming %s (exit 5), rather than dropping them', (variable, env) => {
    const err = configError(env);
    expect(err.message).toMatch(new RegExp(`^${variable}: holds credentials \\(user:password@\\)`));
    expect(err.message).not.toContain('alice');
  });

  it('refuses a Temporal address holding credentials, naming TEMPORAL_ADDRESS', () => {
    expect(() => loadTemporalConnectConfig({ TEMPORAL_ADDRESS: 'http://user:password@host:7233' })).toThrow(/^TEMPORAL_ADDRESS: holds credentials/);
    expect(() => loadTemporalConnectConfig({ TEMPORAL_ADDRESS: 'user:password@host:7233' })).toThrow(/^TEMPORAL_ADDRESS: holds credentials/);
  });

  // A marker secret in every variable, in each place a credential may sit: no message holds it.
  const MARKER = `marker${randomUUID().replace(/-/g, '')}`;
  rememberSecret(MARKER); // the audit run looks for it in every recorded history too
  const FORMS = [
    MARKER,
    `http://user:${MARKER}@ls.example.com:8080`,
    `https://${MARKER}@ls.example.com`,
    `${MARKER}:pw@ls.example.com:8080`,
    `user:${MARKER}@ls.example.com:7233`,
    `https://ls.example.com/?token=${MARKER}`,
    `https://ls.example.com/?page=1&api_key=${MARKER}`,
  ];
  const VALID = { LABEL_STUDIO_URL: 'http://ls.example.com:8080', LABEL_STUDIO_API_KEY: 'key', LABEL_STUDIO_CONNECTIONS: 'eu', LABEL_STUDIO_EU_URL: 'http://eu.example.com', LABEL_STUDIO_EU_API_KEY: 'key' };
  const VARIABLES = [
    ...Object.keys(VALID),
    'LABEL_STUDIO_CONNECT_TIMEOUT_MS',
    'LABEL_STUDIO_RESPONSE_TIMEOUT_MS',
    'LABEL_STUDIO_READ_TIMEOUT_MS',
    'LABEL_STUDIO_TEMPORAL_TASK_QUEUE',
    'TEMPORAL_ADDRESS',
    'TEMPORAL_NAMESPACE',
    'TEMPORAL_API_KEY',
    'TEMPORAL_TLS_CLIENT_CERT_PATH',
    'TEMPORAL_TLS_SERVER_NAME',
    'TEMPORAL_CONFIG_FILE',
    'TEMPORAL_PROFILE',
    'LST_PAYLOAD_KEY',
    'LST_PAYLOAD_KEY_ID',
    'LST_PAYLOAD_PREVIOUS_KEYS',
    'LST_METRICS_ADDRESS',
    'LST_HEALTH_ADDRESS',
    'LST_TRACING',
    'LOG_LEVEL',
    'LOG_FORMAT',
    'LABEL_STUDIO_TARGET_S3_ENDPOINT',
    'LABEL_STUDIO_TARGET_S3_SECRET_ACCESS_KEY',
    'LABEL_STUDIO_TARGET_GCS_ENDPOINT',
    'LABEL_STUDIO_TARGET_REDIS_URL',
    'LABEL_STUDIO_TARGET_AZURE_CONNECTION_STRING',
  ];
  it.each(VARIABLES)('keeps a credential given in %s out of every configuration message', (variable) => {
    for (const form of FORMS) {
      const env = { ...VALID, [variable]: form };
      for (const load of [() => loadWorkerConfig(env), () => loadTargetConfig('default', env)]) {
        try {
          load();
        } catch (err) {
          expect(`${(err as Error).message} ${(err as Error).stack}`).not.toContain(MARKER);
        }
      }
    }
  });

  it('keeps them out of the worker process\'s output', () => {
    for (const vars of [{ LABEL_STUDIO_URL: FORMS[1]!, LABEL_STUDIO_API_KEY: MARKER }, { ...VALID, TEMPORAL_ADDRESS: FORMS[4]!, TEMPORAL_API_KEY: MARKER }]) {
      const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...vars };
      const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'worker.ts')], { env, encoding: 'utf8', timeout: 60_000 });
      expect(run.status).toBe(5);
      expect(run.stderr).toMatch(/^configuration error: (LABEL_STUDIO_URL|TEMPORAL_ADDRESS): holds credentials/);
      expect(run.stderr + run.stdout).not.toContain(MARKER);
    }
  });
});

describe('the opt-in guard on Label Studio URLs (LABEL_STUDIO_ALLOWED_HOSTS)', () => {
  const load = (url: string, allowed?: string) => () => loadLabelStudioConnections({ LABEL_STUDIO_URL: url, LABEL_STUDIO_API_KEY: 'k', ...(allowed === undefined ? {} : { LABEL_STUDIO_ALLOWED_HOSTS: allowed }) });

  it('lets any URL through when unset, as before', () => {
    expect(load('http://169.254.169.254/')).not.toThrow();
  });

  it.each([
    ['http://ls.example.com:8080', 'ls.example.com'],
    ['https://eu.ls.example.com', '*.example.com'],
    ['http://10.0.0.7:8080', '*'],
    ['http://169.254.10.20:8080', '169.254.10.20'], // a link-local Label Studio, listed exactly
    ['http://[::1]:8080', '::1'],
  ])('accepts %s under %s', (url, allowed) => {
    expect(load(url, allowed)).not.toThrow();
  });

  it.each([
    ['http://other.example.org', 'ls.example.com', /names a host not in LABEL_STUDIO_ALLOWED_HOSTS/],
    ['http://169.254.169.254/latest/meta-data', '*', /names a link-local or cloud metadata address/],
    ['http://2852039166/', '*', /link-local or cloud metadata/], // 169.254.169.254 written as a number
    ['http://[::ffff:169.254.169.254]/', '*', /link-local or cloud metadata/],
    ['http://[fe80::1]:8080', '*', /link-local or cloud metadata/],
    ['http://metadata.google.internal/computeMetadata/v1/', '*.internal', /link-local or cloud metadata/],
    ['http://[fd00:ec2::254]/', '*', /link-local or cloud metadata/],
    ['http://100.100.100.200/', '*', /link-local or cloud metadata/],
  ])('refuses %s under %s, naming the variable (exit 5)', (url, allowed, reason) => {
    expect(load(url, allowed)).toThrow(ConfigError);
    expect(load(url, allowed)).toThrow(new RegExp(`^LABEL_STUDIO_URL: .*${reason.source}`));
  });
});

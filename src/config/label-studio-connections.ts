import { ConfigError } from './config-error';

/** Where a named connection reaches Label Studio. Lives in the worker only, never in history. */
export interface LabelStudioConnection {
  name: string;
  baseUrl: string;
  apiKey: string;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** The env prefix of a named connection: `eu-west` → `LABEL_STUDIO_EU_WEST_`. */
export function connectionEnvPrefix(name: string): string {
  return name === 'default' ? 'LABEL_STUDIO_' : `LABEL_STUDIO_${name.toUpperCase().replace(/-/g, '_')}_`;
}

/**
 * Reads LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY as the `default` connection, plus one
 * LABEL_STUDIO_<NAME>_URL / _API_KEY pair per name listed in LABEL_STUDIO_CONNECTIONS.
 */
export function loadLabelStudioConnections(env: Env = process.env): Map<string, LabelStudioConnection> {
  const connectTimeoutMs = positiveInt(env, 'LABEL_STUDIO_CONNECT_TIMEOUT_MS', 10_000);
  const responseTimeoutMs = positiveInt(env, 'LABEL_STUDIO_RESPONSE_TIMEOUT_MS', 300_000);
  const names = (env.LABEL_STUDIO_CONNECTIONS ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!NAME.test(name)) {
      throw new ConfigError('LABEL_STUDIO_CONNECTIONS', `${JSON.stringify(name)} is not a valid connection name`, 'Use lower-case letters, digits, "-" and "_", starting with a letter');
    }
  }
  const all = env.LABEL_STUDIO_URL || !names.length ? ['default', ...names.filter((n) => n !== 'default')] : names;
  const connections = new Map<string, LabelStudioConnection>();
  for (const name of all) {
    const prefix = connectionEnvPrefix(name);
    connections.set(name, {
      name,
      baseUrl: baseUrl(env, `${prefix}URL`),
      apiKey: required(env, `${prefix}API_KEY`, 'Set it to an access token from Label Studio\'s Account & Settings page (legacy token or personal access token)'),
      connectTimeoutMs,
      responseTimeoutMs,
    });
  }
  return connections;
}

function required(env: Env, variable: string, fix: string): string {
  const value = env[variable]?.trim();
  if (!value) throw new ConfigError(variable, 'not set', fix);
  return value;
}

function baseUrl(env: Env, variable: string): string {
  const value = required(env, variable, 'Set it to the Label Studio base URL, e.g. http://localhost:8080');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(variable, 'is not a URL', 'Use the full base URL with scheme, e.g. http://localhost:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(variable, `has scheme ${url.protocol}`, 'Use an http:// or https:// URL');
  }
  return value;
}

/** A positive whole number of milliseconds from the environment, or the fallback when unset. */
export function positiveInt(env: Env, variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(variable, `${JSON.stringify(raw)} is not a positive whole number`, 'Give milliseconds, e.g. 10000');
  }
  return value;
}

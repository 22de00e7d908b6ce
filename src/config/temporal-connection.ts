import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import { ConfigError } from './config-error';

/**
 * The Temporal connection, read the way the Temporal CLI reads it (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the config file).
 */
export function loadTemporalConnectConfig(env: NodeJS.ProcessEnv = process.env): ClientConnectConfig {
  let config: ClientConnectConfig;
  try {
    const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
    config = loadClientConnectConfig({ overrideEnvVars });
  } catch (err) {
    throw new ConfigError('TEMPORAL_CONFIG_FILE / TEMPORAL_*', `cannot load the Temporal connection settings (${withoutValues((err as Error).message)})`, 'Fix the named setting or unset it');
  }
  const address = config.connectionOptions.address;
  if (address !== undefined) checkAddress(address);
  return { ...config, namespace: config.namespace ?? 'default' };
}

// host or host:port, host a DNS name, an IPv4 address or a bracketed IPv6 address: what the SDK accepts.
const ADDRESS = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/** A malformed address is a configuration error (exit 5), not a server that cannot be reached (exit 4). */
function checkAddress(address: string): void {
  if (address.includes('@')) {
    throw new ConfigError('TEMPORAL_ADDRESS', 'holds credentials (user:password@)', 'Use host:port only; give an API key in TEMPORAL_API_KEY and client certificates in TEMPORAL_TLS_*');
  }
  const match = ADDRESS.exec(address);
  const port = match?.[1] === undefined ? 7233 : Number(match[1]);
  if (!match || port < 1 || port > 65535) {
    throw new ConfigError('TEMPORAL_ADDRESS', 'is not a host:port address', 'Use host:port without a scheme, e.g. localhost:7233 or temporal.example.com:7233');
  }
}

/** The SDK's message without the values it quotes (a profile name, a file path): configuration values are never echoed. */
function withoutValues(message: string): string {
  return message.replace(/'[^']*'|"[^"]*"/g, "'…'");
}

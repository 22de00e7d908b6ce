import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import { ConfigError } from './config-error';

/**
 * The Temporal connection, read the way the Temporal CLI reads it (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the config file).
 */
export function loadTemporalConnectConfig(env: NodeJS.ProcessEnv = process.env): ClientConnectConfig {
  try {
    const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
    const config = loadClientConnectConfig({ overrideEnvVars });
    return { ...config, namespace: config.namespace ?? 'default' };
  } catch (err) {
    throw new ConfigError('TEMPORAL_CONFIG_FILE / TEMPORAL_*', `cannot load the Temporal connection settings (${(err as Error).message})`, 'Fix the named setting or unset it');
  }
}

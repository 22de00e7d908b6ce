import { z } from '../schema/zod';
import { ConfigError } from './config-error';

/** host:port, e.g. 0.0.0.0:9464 or [::]:9464: what both the metrics exporter and the health server bind. */
const bindAddress = z
  .string()
  .trim()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'is not host:port')
  .refine((a) => Number(a.slice(a.lastIndexOf(':') + 1)) <= 65_535, 'has a port above 65535');

const optionalAddress = z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), bindAddress.optional());

const lowerCase = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : undefined);

const schema = z.object({
  LOG_LEVEL: z.preprocess(lowerCase, z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info')),
  LOG_FORMAT: z.preprocess(lowerCase, z.enum(['json', 'pretty']).default('json')),
  LST_METRICS_ADDRESS: optionalAddress,
  LST_HEALTH_ADDRESS: optionalAddress,
  LST_TRACING: z.preprocess(lowerCase, z.enum(['off', 'otlp', 'console']).default('off')),
});

const FIXES: Record<keyof z.infer<typeof schema>, string> = {
  LOG_LEVEL: 'Use trace, debug, info, warn or error',
  LOG_FORMAT: 'Use json (one JSON object a line) or pretty (for a terminal)',
  LST_METRICS_ADDRESS: 'Give the address the Prometheus endpoint binds, e.g. 0.0.0.0:9464, or leave it unset',
  LST_HEALTH_ADDRESS: 'Give the address the health endpoint binds, e.g. 0.0.0.0:8081, or leave it unset',
  LST_TRACING: 'Use otlp (export to OTEL_EXPORTER_OTLP_ENDPOINT), console, or off',
};

export type LogLevelName = z.infer<typeof schema>['LOG_LEVEL'];

/** How the worker process reports on itself: logs, metrics, health, tracing. */
export interface ObservabilityConfig {
  logLevel: LogLevelName;
  logFormat: 'json' | 'pretty';
  /** Where the Prometheus endpoint (/metrics) listens; off when unset. */
  metricsAddress?: string;
  /** Where /livez and /readyz listen; off when unset. */
  healthAddress?: string;
  tracing: 'off' | 'otlp' | 'console';
}

export function loadObservabilityConfig(env: NodeJS.ProcessEnv = process.env): ObservabilityConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0]) as keyof typeof FIXES;
    throw new ConfigError(variable, issue.message, FIXES[variable]);
  }
  const c = parsed.data;
  return {
    logLevel: c.LOG_LEVEL,
    logFormat: c.LOG_FORMAT,
    metricsAddress: c.LST_METRICS_ADDRESS,
    healthAddress: c.LST_HEALTH_ADDRESS,
    tracing: c.LST_TRACING,
  };
}

/** LOG_LEVEL alone, for the CLI (which reads none of the worker's other variables); `fallback` when unset. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv, fallback: LogLevelName): LogLevelName {
  const parsed = schema.shape.LOG_LEVEL.safeParse(env.LOG_LEVEL);
  if (!parsed.success) throw new ConfigError('LOG_LEVEL', `${JSON.stringify(env.LOG_LEVEL)} ${parsed.error.issues[0]!.message}`, FIXES.LOG_LEVEL);
  return lowerCase(env.LOG_LEVEL) === undefined ? fallback : parsed.data;
}

/** LOG_FORMAT alone, for the CLI; `fallback` when unset. */
export function logFormatFromEnv(env: NodeJS.ProcessEnv, fallback: ObservabilityConfig['logFormat']): ObservabilityConfig['logFormat'] {
  const parsed = schema.shape.LOG_FORMAT.safeParse(env.LOG_FORMAT);
  if (!parsed.success) throw new ConfigError('LOG_FORMAT', `${JSON.stringify(env.LOG_FORMAT)} ${parsed.error.issues[0]!.message}`, FIXES.LOG_FORMAT);
  return lowerCase(env.LOG_FORMAT) === undefined ? fallback : parsed.data;
}

/** Splits host:port for node:http (which wants the IPv6 host without brackets). */
export function hostAndPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(colon + 1)) };
}

import { z } from '../schema/zod';
import { firstProblem } from '../schema/first-problem';
import { httpUrl } from '../schema/http-url';
import { ConfigError } from './config-error';
import { DEFAULT_MAX_RESPONSE_BYTES, MAX_MAX_RESPONSE_BYTES } from './response-size';
import { checkLabelStudioHost } from './label-studio-host-guard';
import { DEFAULT_RESPONSE_TIMEOUT_MS, MAX_CONNECT_TIMEOUT_MS, MAX_READ_TIMEOUT_MS, MAX_RESPONSE_TIMEOUT_MS } from './timeouts';

/** Where a named connection reaches Label Studio. Lives in the worker only, never in history. */
export interface LabelStudioConnection {
  name: string;
  baseUrl: string;
  apiKey: string;
  connectTimeoutMs: number;
  /** The sync POST's deadline, connect to last byte. */
  responseTimeoutMs: number;
  /** The reads' deadline, connect to last byte; unset, 30 s or the response timeout if lower. */
  readTimeoutMs?: number;
  /** The largest answer read; unset, 8 MiB. */
  maxResponseBytes?: number;
  /**
   * The most requests per second the syncs send this Label Studio, across every worker (see
   * docs/scaling.md); unset, DEFAULT_REQUESTS_PER_SECOND. `'unlimited'`: no budget, as before it existed.
   */
  requestsPerSecond?: number | 'unlimited';
}

/**
 * A Label Studio's request budget when none is set: a single Django process answers a storage read in
 * tens of milliseconds, so this keeps a nightly burst from queuing requests in front of its users.
 */
export const DEFAULT_REQUESTS_PER_SECOND = 25;
const MAX_REQUESTS_PER_SECOND = 10_000;

/** The connection's budget in requests per second; undefined when it has none. */
export function requestBudget(connection: Pick<LabelStudioConnection, 'requestsPerSecond'>): number | undefined {
  const { requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND } = connection;
  return requestsPerSecond === 'unlimited' ? undefined : requestsPerSecond;
}

type Env = Record<string, string | undefined>;

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** The env prefix of a named connection: `eu-west` → `LABEL_STUDIO_EU_WEST_`. */
export function connectionEnvPrefix(name: string): string {
  return name === 'default' ? 'LABEL_STUDIO_' : `LABEL_STUDIO_${name.toUpperCase().replace(/-/g, '_')}_`;
}

/** A whole number (milliseconds, bytes) from an environment variable: unset or blank means the default. */
function envWholeNumber<F extends number | undefined>(fallback: F, max: number) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): number | F => {
      const text = raw?.trim() ?? '';
      if (text === '') return fallback;
      if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= max) return Number(text);
      ctx.issues.push({ code: 'custom', message: `is not a whole number from 1 to ${max}`, input: raw });
      return z.NEVER;
    });
}

/** Requests per second: a positive number, or `unlimited`; unset or blank means the fallback. */
function envRate(fallback: number | 'unlimited' | undefined) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): number | 'unlimited' | undefined => {
      const text = raw?.trim() ?? '';
      if (text === '') return fallback;
      if (text === 'unlimited') return text;
      if (/^\d+(\.\d+)?$/.test(text) && Number(text) > 0 && Number(text) <= MAX_REQUESTS_PER_SECOND) return Number(text);
      ctx.issues.push({ code: 'custom', message: `is neither a number of requests per second above 0 and up to ${MAX_REQUESTS_PER_SECOND} nor "unlimited"`, input: raw });
      return z.NEVER;
    });
}

const sharedSchema = z.object({
  LABEL_STUDIO_REQUESTS_PER_SECOND: envRate(DEFAULT_REQUESTS_PER_SECOND),
  LABEL_STUDIO_CONNECT_TIMEOUT_MS: envWholeNumber(10_000, MAX_CONNECT_TIMEOUT_MS),
  LABEL_STUDIO_RESPONSE_TIMEOUT_MS: envWholeNumber(DEFAULT_RESPONSE_TIMEOUT_MS, MAX_RESPONSE_TIMEOUT_MS),
  LABEL_STUDIO_READ_TIMEOUT_MS: envWholeNumber(undefined, MAX_READ_TIMEOUT_MS),
  LABEL_STUDIO_MAX_RESPONSE_BYTES: envWholeNumber(DEFAULT_MAX_RESPONSE_BYTES, MAX_MAX_RESPONSE_BYTES),
  LABEL_STUDIO_CONNECTIONS: z
    .string()
    .prefault('')
    .transform((list) => list.split(',').map((n) => n.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(NAME, { error: 'holds a name that is not a valid connection name' }))),
});

/** One connection's URL and key; the values are never echoed in an error. */
function connectionSchema(prefix: string) {
  return z.object({
    [`${prefix}URL`]: z.string().trim().min(1).pipe(httpUrl),
    [`${prefix}API_KEY`]: z.string().trim().min(1),
    [`${prefix}REQUESTS_PER_SECOND`]: envRate(undefined),
  });
}

const FIXES: [RegExp, string][] = [
  [/_URL$/, 'Set it to the Label Studio base URL, e.g. http://localhost:8080'],
  [/_API_KEY$/, "Set it to an access token from Label Studio's Account & Settings page (legacy token or personal access token)"],
  [/_TIMEOUT_MS$/, 'Give milliseconds, e.g. 10000'],
  [/_BYTES$/, 'Give bytes, e.g. 16777216 for 16 MiB'],
  [/_REQUESTS_PER_SECOND$/, 'Give what this Label Studio takes across all workers, e.g. 25 (or 0.5), or "unlimited"'],
  [/^LABEL_STUDIO_CONNECTIONS$/, 'Use comma-separated names of lower-case letters, digits, "-" and "_", each starting with a letter'],
];

/** Parses the environment with `schema`; a problem becomes a ConfigError naming the variable and the fix. */
function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const parsed = schema.safeParse(env, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0]);
  const fix = FIXES.find(([pattern]) => pattern.test(variable))?.[1] ?? 'Fix or unset it';
  const unset = !env[variable]?.trim();
  // The value is never echoed: any variable may hold a credential (a URL's user:password@, a token put in the wrong place).
  throw new ConfigError(variable, unset ? 'not set' : firstProblem(parsed.error, [variable]).problem, fix);
}

/**
 * Reads LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY as the `default` connection, plus one
 * LABEL_STUDIO_<NAME>_URL / _API_KEY pair per name listed in LABEL_STUDIO_CONNECTIONS. The request
 * budget: LABEL_STUDIO_<NAME>_REQUESTS_PER_SECOND, else LABEL_STUDIO_REQUESTS_PER_SECOND.
 */
export function loadLabelStudioConnections(env: Env = process.env): Map<string, LabelStudioConnection> {
  const shared = parseEnv(sharedSchema, env);
  const names = shared.LABEL_STUDIO_CONNECTIONS;
  const all = env.LABEL_STUDIO_URL || !names.length ? ['default', ...names.filter((n) => n !== 'default')] : names;
  const connections = new Map<string, LabelStudioConnection>();
  for (const name of all) {
    const prefix = connectionEnvPrefix(name);
    const vars = parseEnv(connectionSchema(prefix), env);
    const baseUrl = vars[`${prefix}URL`] as string;
    checkLabelStudioHost(env, `${prefix}URL`, baseUrl);
    connections.set(name, {
      name,
      baseUrl,
      apiKey: vars[`${prefix}API_KEY`] as string,
      connectTimeoutMs: shared.LABEL_STUDIO_CONNECT_TIMEOUT_MS,
      responseTimeoutMs: shared.LABEL_STUDIO_RESPONSE_TIMEOUT_MS,
      ...(shared.LABEL_STUDIO_READ_TIMEOUT_MS !== undefined && { readTimeoutMs: shared.LABEL_STUDIO_READ_TIMEOUT_MS }),
      maxResponseBytes: shared.LABEL_STUDIO_MAX_RESPONSE_BYTES,
      requestsPerSecond: (vars[`${prefix}REQUESTS_PER_SECOND`] as number | 'unlimited' | undefined) ?? shared.LABEL_STUDIO_REQUESTS_PER_SECOND,
    });
  }
  return connections;
}

/** Milliseconds from one environment variable (unset: the fallback); a bad value is a ConfigError naming it. */
export function envMilliseconds(env: Env, variable: string, fallback: number, max: number): number {
  return parseEnv(z.object({ [variable]: envWholeNumber(fallback, max) }), env)[variable] as number;
}

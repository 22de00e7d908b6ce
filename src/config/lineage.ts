import { ConfigError } from './config-error';

/** Where the worker sends OpenLineage events; absent means lineage is off and no sync schedules anything for it. */
export type LineageConfig =
  | { transport: 'http'; url: string; apiKey?: string; namespace: string }
  | { transport: 'console'; namespace: string };

/** The job namespace when OPENLINEAGE_NAMESPACE is unset. */
export const DEFAULT_LINEAGE_NAMESPACE = 'label-studio';

type Env = Record<string, string | undefined>;

/**
 * The standard OpenLineage client variables: OPENLINEAGE_URL turns the HTTP transport on,
 * OPENLINEAGE_TRANSPORT=console logs each event as one JSON line instead (for debugging).
 */
export function loadLineageConfig(env: Env = process.env): LineageConfig | undefined {
  const get = (name: string) => env[name]?.trim() || undefined;
  const namespace = get('OPENLINEAGE_NAMESPACE') ?? DEFAULT_LINEAGE_NAMESPACE;
  const url = get('OPENLINEAGE_URL');
  const transport = get('OPENLINEAGE_TRANSPORT')?.toLowerCase() ?? (url ? 'http' : 'off');
  if (transport === 'off') return undefined;
  if (transport === 'console') return { transport, namespace };
  if (transport !== 'http') throw new ConfigError('OPENLINEAGE_TRANSPORT', `${JSON.stringify(transport)} is not a transport`, 'Use http (to OPENLINEAGE_URL), console, or off');
  if (!url) throw new ConfigError('OPENLINEAGE_URL', 'not set', 'Give the OpenLineage endpoint, e.g. http://marquez:5000 (events go to /api/v1/lineage)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('OPENLINEAGE_URL', 'is not a URL', 'Use a full URL starting with http:// or https://');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError('OPENLINEAGE_URL', `has scheme ${parsed.protocol}`, 'Use http:// or https://');
  return { transport, url, apiKey: get('OPENLINEAGE_API_KEY'), namespace };
}

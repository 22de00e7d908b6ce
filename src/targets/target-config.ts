// Where the worker reaches export-storage targets to count what a sync wrote. Per Label Studio connection,
// from the worker's environment only: endpoints and credentials never come from workflow input or history.
import { ConfigError } from '../config/config-error';
import { connectionEnvPrefix } from '../config/label-studio-connections';
import { KEY_LAYOUTS, type KeyLayout } from './export-keys';

export interface GcsTargetConfig {
  /** API endpoint, e.g. an emulator's http://127.0.0.1:4443; default Google's. */
  endpoint?: string;
  projectId?: string;
  /** Service-account key file; default Application Default Credentials. */
  keyFile?: string;
}

export interface S3TargetConfig {
  /** Default: the storage's own s3_endpoint, else AWS. */
  endpoint?: string;
  /** Default: the storage's region_name, else us-east-1. */
  region?: string;
  /** Both or neither; neither means the AWS default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface RedisTargetConfig {
  /** Server address, e.g. redis://redis.internal:6379; default the storage's host and port. */
  url?: string;
  /** Label Studio never returns a storage's Redis password, so the worker needs its own. */
  password?: string;
}

/** A folder prefix as Label Studio sees it and the same folder as the worker sees it. */
export interface RootMapping {
  labelStudio: string;
  worker: string;
}

export interface TargetConfig {
  gcs: GcsTargetConfig;
  s3: S3TargetConfig;
  redis: RedisTargetConfig;
  localfilesRoots: RootMapping[];
  /** How this Label Studio names export objects, for key-level verification; its default is per annotation. */
  keys: KeyLayout;
}

type Env = Record<string, string | undefined>;

/** The variable names for a connection: LABEL_STUDIO_TARGET_* for `default`, LABEL_STUDIO_<NAME>_TARGET_* for others. */
export function targetEnvPrefix(connection: string): string {
  return `${connectionEnvPrefix(connection)}TARGET_`;
}

/** Reads the connection's target settings; a malformed value throws a ConfigError naming the variable. */
export function loadTargetConfig(connection: string, env: Env = process.env): TargetConfig {
  const p = targetEnvPrefix(connection);
  const get = (name: string) => env[`${p}${name}`]?.trim() || undefined;
  const accessKeyId = get('S3_ACCESS_KEY_ID');
  const secretAccessKey = get('S3_SECRET_ACCESS_KEY');
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new ConfigError(`${p}S3_${accessKeyId ? 'SECRET_ACCESS_KEY' : 'ACCESS_KEY_ID'}`, 'not set', `Set both ${p}S3_ACCESS_KEY_ID and ${p}S3_SECRET_ACCESS_KEY, or neither to use the AWS default credentials`);
  }
  return {
    gcs: { endpoint: url(p, 'GCS_ENDPOINT', get('GCS_ENDPOINT'), ['http:', 'https:']), projectId: get('GCS_PROJECT_ID'), keyFile: get('GCS_KEY_FILE') },
    s3: {
      endpoint: url(p, 'S3_ENDPOINT', get('S3_ENDPOINT'), ['http:', 'https:']),
      region: get('S3_REGION'),
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    },
    redis: { url: url(p, 'REDIS_URL', get('REDIS_URL'), ['redis:', 'rediss:']), password: get('REDIS_PASSWORD') },
    localfilesRoots: roots(p, get('LOCALFILES_ROOTS')),
    keys: keyLayout(p, get('KEYS')),
  };
}

function url(prefix: string, name: string, value: string | undefined, schemes: string[]): string | undefined {
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${prefix}${name}`, 'is not a URL', `Use a full URL starting with ${schemes.join(' or ')}//`);
  }
  if (!schemes.includes(parsed.protocol)) throw new ConfigError(`${prefix}${name}`, `has a scheme other than ${schemes.join(' or ')}//`, `Use ${schemes.join(' or ')}//`);
  return value;
}

function keyLayout(prefix: string, value: string | undefined): KeyLayout {
  if (value === undefined) return 'annotation';
  const found = KEY_LAYOUTS.find((layout) => layout === value);
  if (found) return found;
  throw new ConfigError(
    `${prefix}KEYS`,
    `is ${JSON.stringify(value)}, not one of ${KEY_LAYOUTS.join(', ')}`,
    'Use annotation (Label Studio\'s default), task.json (FUTURE_SAVE_TASK_TO_STORAGE=true) or task (and FUTURE_SAVE_TASK_TO_STORAGE_JSON_EXT=false)',
  );
}

/** `/label-studio/files=/mnt/ls-files,/other=/mnt/other`: absolute folders, Label Studio's side first. */
function roots(prefix: string, value: string | undefined): RootMapping[] {
  if (value === undefined) return [];
  return value.split(',').filter((pair) => pair.trim()).map((pair) => {
    const [labelStudio, worker, extra] = pair.split('=').map((side) => side.trim().replace(/(.)\/+$/, '$1'));
    if (!labelStudio?.startsWith('/') || !worker?.startsWith('/') || extra !== undefined) {
      throw new ConfigError(`${prefix}LOCALFILES_ROOTS`, `holds a pair (number ${value.split(',').filter((p) => p.trim()).indexOf(pair) + 1}) that is not <absolute path>=<absolute path>`, 'Map the folder Label Studio writes to onto the same folder as this worker sees it, e.g. /label-studio/files=/mnt/ls-files');
    }
    return { labelStudio, worker };
  });
}

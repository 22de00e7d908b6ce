import { execFile } from 'node:child_process';
import { createCipheriv, randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dataConverterFromEnv, payloadCodecFromEnv } from '../src/config/payload-encryption';
import { findTemporalCli } from '../src/local/temporal-cli';
import type { LabelStudioSimulator } from '../src/simulator';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { readableText } from './helpers/readable-text';
import { runCli, spawnCli, type SpawnedCli } from './helpers/run-cli';
import { cliEnvFor, startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { syncError, runSync } from './helpers/sync-run';
import { TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

const ROOT = join(__dirname, '..');
const UI_ORIGIN = 'http://localhost:8233';

// Failures of an encrypting worker keep their message and stack trace out of history, and
// `label-studio-temporal codec-server` gives them back to the Temporal CLI (and Web UI) with the key.
describe('encrypted failures and the codec server', () => {
  const keyEnv = { LST_PAYLOAD_KEY: randomBytes(32).toString('base64'), LST_PAYLOAD_KEY_ID: 'codec-test' };
  const auth = `Bearer ${randomUUID()}`;
  let sim: LabelStudioSimulator;
  let t: TestTemporal;
  let server: SpawnedCli;
  let endpoint: string;

  beforeAll(async () => {
    sim = await startSimulator();
    t = await startWorkerFor(sim, { dataConverter: dataConverterFromEnv(keyEnv) });
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    server = spawnCli(['codec-server', '--port', String(port), '--cors-origin', UI_ORIGIN], { ...keyEnv, LST_CODEC_AUTH: auth });
    await server.stderrShows(`codec server on ${endpoint}`);
  });
  afterAll(async () => {
    server?.kill('SIGTERM');
    await server?.done;
    await t?.close();
    await sim?.close();
  });

  it('keeps the failure text out of history; the Temporal CLI reads it through the codec server', async () => {
    const storage = 999_999; // absent: Label Studio answers 404, a failure no retry can fix
    const err = await syncError(runSync(t.client, t.taskQueue, 'gcs_sa', storage));
    expect(err.failureType).toBe('LabelStudio.not_found');
    const labelStudioText = 'No GCSSAExportStorage matches the given query';
    expect(err.message).toContain(labelStudioText); // a client with the key reads the real message

    const workflowId = syncWorkflowId(TEST_CONNECTION, 'gcs_sa', storage);
    const keyless = new Client({ connection: t.client.connection, namespace: t.client.options.namespace });
    const raw = readableText(await keyless.workflow.getHandle(workflowId).fetchHistory());
    expect(raw).toContain('Encoded failure');
    expect(raw).not.toContain(labelStudioText);
    expect(raw).not.toContain('HTTP 404');
    expect(raw).not.toContain(ROOT); // stack frames of the worker's activity code
    expect(raw).not.toMatch(/\bat \S+ \(/); // nor any stack frame

    const temporalCli = await findTemporalCli();
    const show = (codec: string[]) =>
      promisify(execFile)(temporalCli, ['workflow', 'show', '--workflow-id', workflowId, '--address', inject('temporalAddress'), '--namespace', inject('temporalNamespace'), ...codec, '-o', 'json'], { maxBuffer: 16 << 20 });
    // The CLI prints each payload as the codec server returned it, data in base64: the failure's encoded attributes.
    const decoded = payloadText((await show(['--codec-endpoint', endpoint, '--codec-auth', auth])).stdout);
    expect(decoded).toContain(labelStudioText);
    expect(decoded).toMatch(/"stack_trace":"ApplicationFailure: .*\\n {4}at /);
    expect(payloadText((await show([])).stdout)).not.toContain(labelStudioText);
  });

  it('refuses a request without the Authorization header, or with another one', async () => {
    const { payloads } = await codecCall('encode', [{ metadata: { encoding: b64('json/plain') }, data: b64('"hello"') }], auth);
    expect(payloads[0]!.metadata!.encoding).toBe(b64('binary/encrypted'));
    expect((await post('decode', { payloads }, undefined)).status).toBe(401);
    expect((await post('decode', { payloads }, 'Bearer wrong')).status).toBe(401);
    const [back] = (await codecCall('decode', payloads, auth)).payloads;
    expect(Buffer.from(back!.data!, 'base64').toString()).toBe('"hello"');
  });

  it('answers the Web UI preflight for its origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${endpoint}/decode`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,x-namespace' } });
    const allowed = await preflight(UI_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-namespace']));
    const other = await preflight('http://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('writes the wire format of Temporal\'s encryption sample, and still reads the JSON format of earlier versions', async () => {
    const codec = payloadCodecFromEnv(keyEnv)!;
    const key = Buffer.from(keyEnv.LST_PAYLOAD_KEY, 'base64');
    const inner = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"a":1}') };
    // The sample's decrypt: IV = the first 12 bytes, the rest ciphertext and tag (WebCrypto), then Payload.decode.
    const [encrypted] = await codec.encode([inner]);
    expect(Buffer.from(encrypted!.metadata!['encryption-key-id']!).toString()).toBe('codec-test');
    const data = encrypted!.data!;
    const cryptoKey = await webcrypto.subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']);
    const plain = await webcrypto.subtle.decrypt({ name: 'AES-GCM', iv: data.subarray(0, 12), tagLength: 128 }, cryptoKey, data.subarray(12));
    const sample = temporal.api.common.v1.Payload.decode(new Uint8Array(plain));
    expect(Buffer.from(sample.data).toString()).toBe('{"a":1}');
    expect(Buffer.from(sample.metadata.encoding!).toString()).toBe('json/plain');

    // As 0.1 wrote it: IV + ciphertext of {"metadata": {k: base64}, "data": base64} + tag.
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const json = JSON.stringify({ metadata: { encoding: b64('json/plain') }, data: b64('{"a":1}') });
    const legacy = { metadata: encrypted!.metadata, data: Buffer.concat([iv, cipher.update(json), cipher.final(), cipher.getAuthTag()]) };
    const [decoded] = await codec.decode([legacy]);
    expect(Buffer.from(decoded!.data!).toString()).toBe('{"a":1}');
    expect(Buffer.from(decoded!.metadata!.encoding!).toString()).toBe('json/plain');
  });

  it('status shows the real failure message with the key; without it, says the payloads are encrypted and which variable to set', async () => {
    const storage = 999_998; // absent, as above
    await syncError(runSync(t.client, t.taskQueue, 'gcs_sa', storage));
    const workflowId = syncWorkflowId(TEST_CONNECTION, 'gcs_sa', storage);
    const withKey = await runCli(['status', workflowId, '--json'], { ...cliEnvFor(sim, t.taskQueue), ...keyEnv });
    expect(withKey.code, withKey.stderr).toBe(1);
    expect(JSON.parse(withKey.stdout).error).toEqual({ message: expect.stringContaining('No GCSSAExportStorage matches the given query'), failureType: 'LabelStudio.not_found' });

    const withoutKey = await runCli(['status', workflowId], cliEnvFor(sim, t.taskQueue));
    expect(withoutKey.code, withoutKey.stderr).toBe(5);
    expect(withoutKey.stderr).toMatch(/LST_PAYLOAD_KEY: not set, but this workflow's payloads are encrypted \(binary\/encrypted\)\. Set LST_PAYLOAD_KEY/);
  });

  interface JsonPayload {
    metadata?: Record<string, string>;
    data?: string;
  }

  function post(operation: 'encode' | 'decode', body: unknown, authorization: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...(authorization ? { Authorization: authorization } : {}) };
    return fetch(`${endpoint}/${operation}`, { method: 'POST', headers, body: JSON.stringify(body) });
  }

  async function codecCall(operation: 'encode' | 'decode', payloads: JsonPayload[], authorization: string): Promise<{ payloads: JsonPayload[] }> {
    const res = await post(operation, { payloads }, authorization);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as { payloads: JsonPayload[] };
  }
});

/** The data of every payload in `temporal workflow show -o json` output (objects with metadata and base64 data), decoded. */
function payloadText(stdout: string): string {
  const out: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const { metadata, data } = value as { metadata?: unknown; data?: unknown };
      if (metadata && typeof data === 'string') out.push(Buffer.from(data, 'base64').toString('utf8'));
      else Object.values(value).forEach(visit);
    }
  };
  visit(JSON.parse(stdout));
  return out.join('\n');
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

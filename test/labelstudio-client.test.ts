import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabelStudioClient } from '../src/labelstudio/client';
import { LabelStudioError, requestFate } from '../src/labelstudio/errors';
import type { Fault, LabelStudioSimulator } from '../src/simulator';
import { rejectionOf } from './helpers/rejection';
import { startSimulator } from './helpers/simulated-label-studio';

const failure = (promise: Promise<unknown>) => rejectionOf(promise, LabelStudioError);

describe('LabelStudioClient against the simulator', () => {
  let sim: LabelStudioSimulator;
  let client: LabelStudioClient;

  beforeAll(async () => {
    sim = await startSimulator({ accessTokenTtlMs: 32_000 });
    client = new LabelStudioClient({ baseUrl: sim.url, apiKey: sim.legacyToken, connectionName: 'main', responseTimeoutMs: 1_000 });
  });
  afterAll(async () => {
    await client?.close();
    await sim?.close();
  });

  it('reads a gcs_sa storage with every field of its page, keeping extra fields', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 3, title: 'sa', fields: { bucket: 'b', target_service_account_email: 'sa@p.iam.gserviceaccount.com', future_field: 42 } });
    const storage = await client.getExportStorage('gcs_sa', id);
    expect(storage).toMatchObject({ id, project: 3, type: 'gcs_sa', title: 'sa', bucket: 'b', status: 'initialized', future_field: 42 });
    for (const field of ['created_at', 'prefix', 'regex_filter', 'use_blob_urls', 'can_delete_objects', 'google_project_id', 'description', 'synchronizable', 'last_sync', 'last_sync_count', 'last_sync_job', 'meta', 'traceback']) {
      expect(storage).toHaveProperty(field);
    }
  });

  it('lists a project\'s storages of one type and of all types', async () => {
    sim.addStorage({ type: 's3', project: 4 });
    sim.addStorage({ type: 'redis', project: 4 });
    expect((await client.listExportStorages(4, 's3')).map((s) => s.type)).toEqual(['s3']);
    expect((await client.listExportStorages(4)).map((s) => s.type).sort()).toEqual(['redis', 's3']);
  });

  it('triggers a sync and sees meta.attempts count it', async () => {
    const id = sim.addStorage({ type: 'azure', project: 3 });
    const answer = await client.triggerExportSync('azure', id);
    expect(answer.status).toBe('queued');
    expect(answer.meta?.attempts).toBe(1);
  });

  it('classifies 404 as permanent and names the storage, status and detail, never the URL or key', async () => {
    const err = await failure(client.getExportStorage('gcs_sa', 123_456));
    expect(err).toMatchObject({ kind: 'not_found', permanent: true, httpStatus: 404 });
    expect(err.message).toContain('[main] read gcs_sa storage 123456: HTTP 404');
    expect(err.message).toContain('matches the given query');
    expect(err.message).not.toContain(new URL(sim.url).host);
    expect(err.message).not.toContain(sim.legacyToken);
  });

  it('classifies 400 not synchronizable as permanent', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 3, synchronizable: false });
    const err = await failure(client.triggerExportSync('gcs_sa', id));
    expect(err).toMatchObject({ kind: 'not_synchronizable', permanent: true, httpStatus: 400 });
  });

  it('classifies 403 as permanent', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 77, organization: 'other' });
    expect(await failure(client.getExportStorage('gcs_sa', id))).toMatchObject({ kind: 'forbidden', permanent: true });
  });

  it('parses Retry-After on 429 and marks it transient', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 3 });
    sim.injectFault({ kind: 'status', status: 429, retryAfter: '7' });
    expect(await failure(client.getExportStorage('gcs_sa', id))).toMatchObject({ kind: 'rate_limited', permanent: false, retryAfterMs: 7_000 });
  });

  it.each([500, 502, 503, 504] as const)('marks %i transient', async (status) => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 3 });
    sim.injectFault({ kind: 'status', status });
    expect(await failure(client.getExportStorage('gcs_sa', id))).toMatchObject({ kind: 'server_error', permanent: false, httpStatus: status });
  });

  it('marks a 200 announced as JSON whose body does not parse transient: it broke on the way', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 3 });
    sim.injectFault({ kind: 'garble-response' });
    expect(await failure(client.getExportStorage('gcs_sa', id))).toMatchObject({ kind: 'broken_response', permanent: false });
  });

  it('marks a reset connection and a read timeout transient', async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 3 });
    sim.injectFault({ kind: 'reset' });
    expect(await failure(client.getExportStorage('gcs_sa', id))).toMatchObject({ kind: 'connection', permanent: false });
    sim.injectFault({ kind: 'delay', ms: 1_500 });
    const timeout = await failure(client.getExportStorage('gcs_sa', id));
    expect(timeout).toMatchObject({ kind: 'timeout', permanent: false });
    expect(timeout.message).toContain('no answer within the read timeout (1000 ms)');
  });

  it.each([
    ["Label Studio's 429", { kind: 'status', status: 429 }, 'refused'],
    ["Label Studio's JSON 500", { kind: 'status', status: 500 }, 'finished'],
    ["Label Studio's JSON 503", { kind: 'status', status: 503, detail: 'maintenance' }, 'finished'],
    ["the gateway's 502 page", { kind: 'status', status: 502 }, 'unknown'],
    ["the gateway's 504 page while Label Studio runs the POST", { kind: 'gateway', status: 504, answerAfterMs: 0, reachAfterMs: 0 }, 'unknown'],
    ['a 200 announced as JSON that does not parse', { kind: 'garble-response' }, 'unknown'],
    ['a reset', { kind: 'reset' }, 'unknown'],
  ] satisfies Array<[string, Fault, string]>)('tells what the sync POST may have done from %s', async (_what, fault, fate) => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 3, script: [{ status: 'stuck_queued' }] });
    sim.injectFault(fault);
    expect(requestFate(await failure(client.triggerExportSync('gcs_sa', id)))).toBe(fate);
  });

  it("takes Label Studio's 4xx and a request refused before sending as refused", async () => {
    const id = sim.addStorage({ type: 'gcs_sa', project: 3, synchronizable: false });
    expect(requestFate(await failure(client.triggerExportSync('gcs_sa', id)))).toBe('refused');
    expect(requestFate(await failure(client.triggerExportSync('gcs_sa', 123_456)))).toBe('refused');
    expect(requestFate(await failure(client.triggerExportSync('nope' as 'gcs', 1)))).toBe('refused');
  });

  it('waits the read timeout for a GET and the response timeout for the sync POST', async () => {
    const split = new LabelStudioClient({ baseUrl: sim.url, apiKey: sim.legacyToken, responseTimeoutMs: 60_000, readTimeoutMs: 500 });
    try {
      const id = sim.addStorage({ type: 'gcs_sa', project: 3 });
      sim.injectFault({ kind: 'delay', ms: 1_500, match: { method: 'GET' } });
      expect(await failure(split.getExportStorage('gcs_sa', id))).toMatchObject({ kind: 'timeout', permanent: false, message: expect.stringContaining('read timeout (500 ms)') });
      sim.injectFault({ kind: 'delay', ms: 1_500, match: { method: 'POST' } });
      expect((await split.triggerExportSync('gcs_sa', id)).meta?.attempts).toBe(1); // Community's POST runs the export: it may take long
    } finally {
      await split.close();
    }
  });

  it('reads within 30 s by default, never longer than the response timeout', async () => {
    const clients = [undefined, 120_000, 10_000].map((responseTimeoutMs) => new LabelStudioClient({ baseUrl: sim.url, apiKey: sim.legacyToken, responseTimeoutMs }));
    expect(clients.map((c) => [c.responseTimeoutMs, c.readTimeoutMs])).toEqual([
      [300_000, 30_000],
      [120_000, 30_000],
      [10_000, 10_000],
    ]);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('refuses an unknown storage type before sending anything', async () => {
    sim.clearRequests();
    const err = await failure(client.getExportStorage('ftp' as never, 1));
    expect(err).toMatchObject({ kind: 'unknown_storage_type', permanent: true });
    expect(err.message).toContain('gcs_sa, gcs');
    expect(sim.requests).toHaveLength(0);
  });

  it('says a refused legacy key was refused, as a permanent error', async () => {
    const wrong = new LabelStudioClient({ baseUrl: sim.url, apiKey: 'wrong-key-0000', connectionName: 'main' });
    const err = await failure(wrong.getExportStorage('gcs_sa', 1));
    await wrong.close();
    expect(err).toMatchObject({ kind: 'unauthorized', permanent: true, httpStatus: 401 });
    expect(err.message).toContain('refused the API key');
    expect(err.message).not.toContain('wrong-key-0000');
  });

  it('uses a personal access token as a refreshed Bearer token, renewing it before it expires', async () => {
    const pat = new LabelStudioClient({ baseUrl: sim.url, apiKey: sim.personalAccessToken });
    try {
      expect(pat.authScheme).toBe('personal_access_token');
      const id = sim.addStorage({ type: 'gcs_sa', project: 3 });
      sim.clearRequests();
      await pat.getExportStorage('gcs_sa', id);
      await pat.getExportStorage('gcs_sa', id);
      const refreshes = () => sim.requests.filter((r) => r.path.startsWith('/api/token/refresh')).length;
      expect(refreshes()).toBe(1); // reused while fresh
      expect(sim.requests.filter((r) => r.path.includes('/gcs_sa/')).every((r) => r.auth === 'bearer' && r.status === 200)).toBe(true);
      // Access tokens live 32 s here; the client renews 30 s early, so after 2 s it exchanges again.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
      await pat.getExportStorage('gcs_sa', id);
      expect(refreshes()).toBe(2);
    } finally {
      await pat.close();
    }
  });

  it('says a refused personal access token was refused', async () => {
    const forged = `${sim.personalAccessToken.slice(0, -4)}AAAA`;
    const pat = new LabelStudioClient({ baseUrl: sim.url, apiKey: forged });
    const err = await failure(pat.getExportStorage('gcs_sa', 1));
    await pat.close();
    expect(err).toMatchObject({ kind: 'unauthorized', permanent: true });
    expect(err.message).toContain('refused the personal access token');
  });
});

describe('LabelStudioClient against a server that is not Label Studio', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.includes('/html/')) res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
      else if (req.url?.includes('/gateway/')) res.writeHead(504, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Endpoint request timed out' }));
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'x' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/html`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('treats an answer that is not the expected JSON as permanent', async () => {
    const client = new LabelStudioClient({ baseUrl: url, apiKey: 'k' });
    expect(await failure(client.getExportStorage('gcs', 1))).toMatchObject({ kind: 'bad_response', permanent: true });
    const other = new LabelStudioClient({ baseUrl: url.replace('/html', ''), apiKey: 'k' });
    expect(await failure(other.getExportStorage('gcs', 1))).toMatchObject({ kind: 'bad_response', permanent: true });
    await client.close();
    await other.close();
  });

  it("does not take a gateway's JSON error for Label Studio's", async () => {
    const client = new LabelStudioClient({ baseUrl: url.replace('/html', '/gateway'), apiKey: 'k' });
    const err = await failure(client.triggerExportSync('gcs', 1));
    await client.close();
    expect(err).toMatchObject({ kind: 'server_error', httpStatus: 504, fromLabelStudio: false });
    expect(requestFate(err)).toBe('unknown');
  });

  it('treats a refused connection as transient, without the address in the message', async () => {
    const closed = new LabelStudioClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', connectionName: 'gone' });
    const err = await failure(closed.getExportStorage('gcs', 1));
    await closed.close();
    expect(err).toMatchObject({ kind: 'connection', permanent: false });
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).not.toContain('127.0.0.1');
  });
});

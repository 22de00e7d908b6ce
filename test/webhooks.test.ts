import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelStudioSimulator } from '../src/simulator';
import { FailureType } from '../src/failure-types';
import { createWebhookReceiver, type WebhookReceiver, type WebhookReceiverOptions, type WebhookResult } from '../src/webhooks';
import type { PipelineEnded } from '../src/webhooks/pipeline-watch';
import { pipelineWorkflowId } from '../src/workflows/project-ids';
import { pipelineStateQuery, type DownstreamInput, type PipelineState } from '../src/workflows/pipeline-types';
import { rememberSecret } from './helpers/secrets';
import { startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { FAST } from './helpers/sync-run';
import { TEST_CONNECTION, type TestTemporal } from './helpers/temporal';
import { eventually, workflowInput } from './helpers/workflow-input';

// The webhook receiver in front of a real Temporal server: Label Studio simulated for the syncs.
describe('webhook receiver', () => {
  let sim: LabelStudioSimulator;
  let t: TestTemporal;
  let receiver: WebhookReceiver;
  let url: string;
  const results: WebhookResult[] = [];
  const ended: PipelineEnded[] = [];
  const secret = randomBytes(24).toString('hex');
  const downstreamQueue = `downstream-${randomUUID()}`;
  let nextProject = 500;

  beforeAll(async () => {
    rememberSecret(secret); // the audit checks it never reaches a history
    sim = await startSimulator();
    t = await startWorkerFor(sim);
    receiver = createWebhookReceiver({
      client: t.client,
      secret,
      connection: TEST_CONNECTION,
      taskQueue: t.taskQueue,
      maxBodyBytes: 64 * 1024,
      // Whether Temporal answers within Label Studio's 1 s is the bench's to measure: on a loaded machine
      // it may not, and this file checks what is answered and counted, not how fast.
      temporalTimeoutMs: 60_000,
      pipeline: {
        quietPeriod: '1500ms',
        maxWait: '20s',
        sync: { policy: FAST },
        downstream: { workflowType: 'trainModel', taskQueue: downstreamQueue },
      },
      onResult: (r) => results.push(r),
      onPipelineEnd: (e) => ended.push(e),
    });
    url = await receiver.listen(0);
  });
  afterAll(async () => {
    await receiver?.close();
    // Pipelines run forever and downstream workflows have no worker here: end them.
    for await (const w of t.client.workflow.list({ query: `ExecutionStatus = 'Running' AND TaskQueue IN ('${t.taskQueue}', '${downstreamQueue}')` })) {
      await t.client.workflow.getHandle(w.workflowId, w.runId).terminate('test over').catch(() => undefined);
    }
    await t?.close();
    await sim?.close();
  });

  const post = (body: string, headers: Record<string, string> = { 'x-webhook-secret': secret }, path = '/') =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const annotationEvent = (project: number, action = 'ANNOTATION_CREATED', id = 1) =>
    JSON.stringify({ action, project: { id: project, title: 'p' }, annotation: { id, result: [] }, task: { id, data: {} } });
  const pipelineExists = (project: number) =>
    t.client.workflow
      .getHandle(pipelineWorkflowId(TEST_CONNECTION, project))
      .describe()
      .then(
        () => true,
        (err: unknown) => (err instanceof WorkflowNotFoundError ? false : Promise.reject(err)),
      );

  it('tells of a pipeline that ended because Label Studio has no such project, with the reason', async () => {
    const project = 990_500; // no storage, no annotation: the simulator answers 404 for it
    expect((await post(annotationEvent(project))).status).toBe(202);
    const end = await eventually(async () => ended.find((e) => e.project === project), (e) => e !== undefined);
    expect(end).toEqual({
      project,
      workflowId: pipelineWorkflowId(TEST_CONNECTION, project),
      end: { ended: 'project-not-found', project, batchesDone: 0, reason: `Label Studio has no project ${project} on connection ${TEST_CONNECTION} (404): nothing to sync` },
    });
  });

  it('turns a burst of 50 events into one sync and one downstream start with the report', async () => {
    const project = nextProject++;
    const a = sim.addStorage({ type: 's3', project, title: 'train', script: [{ status: 'completed', count: 50, runMs: 300 }] });
    const b = sim.addStorage({ type: 'gcs', project, title: 'backup', script: [{ status: 'completed', count: 50, runMs: 300 }] });
    const actions = ['ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_CREATED', 'ANNOTATIONS_DELETED'];

    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const action = actions[i % actions.length]!;
        const body =
          action === 'ANNOTATIONS_CREATED'
            ? JSON.stringify({ action, project: { id: project }, annotation: [{ id: i }, { id: i + 1000 }] })
            : action === 'ANNOTATIONS_DELETED'
              ? JSON.stringify({ action, project: { id: project }, annotations: [{ id: i }] })
              : annotationEvent(project, action, i);
        const res = await post(body);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      }),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(202));
    const workflowId = pipelineWorkflowId(TEST_CONNECTION, project);
    expect(new Set(answers.map((r) => r.body.workflowId))).toEqual(new Set([workflowId]));
    // Answer times are measured by `npm run bench:webhooks`, not asserted here.
    expect(results.filter((r) => r.project === project)).toHaveLength(50);

    const pipeline = t.client.workflow.getHandle(workflowId);
    const state = await eventually(
      () => pipeline.query(pipelineStateQuery),
      (s: PipelineState) => s.recent.length > 0,
    );
    const [batch] = state.recent;
    // 13 + 13 single-annotation events, 12 ANNOTATIONS_CREATED naming two each, 12 ANNOTATIONS_DELETED naming one.
    expect(batch).toMatchObject({ number: 1, events: 50, annotations: 62, syncOutcome: 'completed', downstreamSkipped: null });
    expect(batch!.actions).toEqual({ ANNOTATION_CREATED: 13, ANNOTATION_UPDATED: 13, ANNOTATIONS_CREATED: 12, ANNOTATIONS_DELETED: 12 });
    expect(sim.syncsStarted('s3', a)).toBe(1);
    expect(sim.syncsStarted('gcs', b)).toBe(1);

    const downstream = await t.client.workflow.getHandle(batch!.downstreamWorkflowId!).describe();
    expect(downstream).toMatchObject({ type: 'trainModel', taskQueue: downstreamQueue });
    const input = await workflowInput<DownstreamInput>(t.client, batch!.downstreamWorkflowId!);
    expect(input).toMatchObject({ connection: TEST_CONNECTION, project, pipelineWorkflowId: workflowId, batch: { number: 1, events: 50 } });
    expect(input.sync).toMatchObject({ outcome: 'completed', counts: { total: 2, succeeded: 2 } });
    expect(input.sync.storages.map((e) => [e.storage.id, e.report?.final?.lastSyncCount])).toEqual([
      [a, 50],
      [b, 50],
    ]);

    // Nothing more follows: no second batch, no second downstream workflow.
    await new Promise((r) => setTimeout(r, 2500));
    const after = await pipeline.query(pipelineStateQuery);
    expect(after).toMatchObject({ phase: 'idle', pending: null, batchesDone: 1 });
    const started = [];
    for await (const w of t.client.workflow.list({ query: `WorkflowType = 'trainModel' AND TaskQueue = '${downstreamQueue}'` })) started.push(w.workflowId);
    expect(started.filter((id) => id.startsWith(workflowId))).toEqual([batch!.downstreamWorkflowId]);
  });

  it('takes the project from the URL when Label Studio sends no payload', async () => {
    const project = nextProject++;
    sim.addProject(project); // one Label Studio has: a pipeline for an unknown project ends
    const res = await post(JSON.stringify({ action: 'ANNOTATION_UPDATED' }), undefined, `/?project=${project}`);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: true, project, action: 'ANNOTATION_UPDATED' });
    expect(await pipelineExists(project)).toBe(true);
  });

  it.each([
    ['no secret header', (p: number) => post(annotationEvent(p), {}), 401, /missing or wrong x-webhook-secret/],
    ['a wrong secret', (p: number) => post(annotationEvent(p), { 'x-webhook-secret': `${secret.slice(0, -1)}x` }), 401, /missing or wrong/],
    ['the secret in another header', (p: number) => post(annotationEvent(p), { authorization: `Bearer ${secret}` }), 401, /missing or wrong/],
    ['a body that is not JSON', (p: number) => post(`{"action": "ANNOTATION_CREATED", "project": {"id": ${p}`), 400, /not JSON/],
    ['a JSON array', () => post('[1, 2]'), 400, /not a JSON object/],
    ['no action', (p: number) => post(JSON.stringify({ project: { id: p } })), 400, /no "action"/],
    ['an unknown action', (p: number) => post(JSON.stringify({ action: 'PROJECT_UPDATED', project: { id: p } })), 400, /unknown action "PROJECT_UPDATED"/],
    ['no project', () => post(JSON.stringify({ action: 'ANNOTATION_CREATED', annotation: { id: 1 } })), 400, /no project/],
    ['a project without id', () => post(JSON.stringify({ action: 'ANNOTATION_CREATED', project: { title: 'x' } })), 400, /no numeric id/],
    ['projects that disagree', (p: number) => post(annotationEvent(p), undefined, `/?project=${p + 1}`), 400, /names project \d+ but the URL project \d+/],
    ['an oversized body', (p: number) => post(JSON.stringify({ action: 'ANNOTATIONS_CREATED', project: { id: p }, annotation: [{ pad: 'x'.repeat(70_000) }] })), 413, /larger than 65536 bytes/],
    ['an oversized chunked body', (p: number) => chunkedPost(`${url}/`, secret, p, 100_000), 413, /larger than 65536 bytes/],
    ['GET', () => fetch(`${url}/`, { headers: { 'x-webhook-secret': secret } }), 405, /use POST/],
  ] as const)('refuses %s, starting nothing', async (_what, send, status, reason) => {
    const project = nextProject++;
    sim.addProject(project); // one Label Studio has: a pipeline for an unknown project ends
    const before = results.length;
    const res = await send(project);
    const { status: got, text } = res instanceof Response ? { status: res.status, text: await res.text() } : res;
    expect(got).toBe(status);
    expect((JSON.parse(text) as { error: string }).error).toMatch(reason);
    expect(results.slice(before).map((r) => r.status)).toEqual([status]);
    expect(await pipelineExists(project)).toBe(false);
  });

  it('answers 503 when Temporal cannot take the event', async () => {
    const connection = await Connection.connect({ address: '127.0.0.1:1', connectTimeout: 100 }).catch(() => Connection.lazy({ address: '127.0.0.1:1' }));
    const offline = createWebhookReceiver({ client: new Client({ connection }), secret, connection: TEST_CONNECTION, temporalTimeoutMs: 500 });
    const offlineUrl = await offline.listen(0);
    try {
      const res = await fetch(offlineUrl, { method: 'POST', headers: { 'x-webhook-secret': secret, 'content-type': 'application/json' }, body: annotationEvent(nextProject++) });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toMatch(/Temporal did not take the event/);
    } finally {
      await offline.close();
      // The connection stays open: the client's gRPC retry of the abandoned call keeps a timer that,
      // once the channel is closed, throws "Channel has been shut down" from outside any test.
      // It points at a dead port and ends with this file's process.
    }
  });

  it('refuses unknown and wrong options at startup with a typed error naming them', () => {
    const failure = (options: unknown) => {
      try {
        createWebhookReceiver(options as WebhookReceiverOptions);
      } catch (err) {
        return err as ApplicationFailure;
      }
      throw new Error('the receiver was created');
    };
    const typo = failure({ client: t.client, secret, secretHeadr: 'x-token' });
    expect(typo).toBeInstanceOf(ApplicationFailure);
    expect(typo).toMatchObject({ type: FailureType.InvalidInput, nonRetryable: true });
    expect(typo.message).toMatch(/"secretHeadr" is unknown; did you mean "secretHeader"\?/);
    expect(failure({ client: t.client, secret, maxConnections: 0 }).message).toMatch(/maxConnections/);
    expect(failure({ client: t.client, secret, headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 }).message).toMatch(/headersTimeoutMs must not exceed requestTimeoutMs/);
    expect(failure({ client: t.client, secret, tls: { cert: 'x' } }).message).toMatch(/tls\.key/);
    const wrongSecret = failure({ client: t.client, secret: 12345678901234567890 });
    expect(wrongSecret.message).toMatch(/secret must be a string/);
    expect(wrongSecret.message).not.toContain('12345678901234567890');
  });

  it('answers /livez, /readyz and /healthz without the secret, to GET and HEAD, whatever the query', async () => {
    for (const path of ['/livez', '/readyz', '/healthz', '/livez?probe=1', '/readyz?x']) {
      const res = await fetch(`${url}${path}`);
      expect([path, res.status]).toEqual([path, 200]);
      expect(await res.json()).toEqual({ ok: true });
      expect((await fetch(`${url}${path}`, { method: 'HEAD' })).status).toBe(200);
    }
  });

  it('answers /readyz 503 while Temporal does not answer, /livez 200', async () => {
    const away = createWebhookReceiver({ client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }), secret });
    const awayUrl = await away.listen(0);
    try {
      const ready = await fetch(`${awayUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ok: false, error: expect.stringMatching(/Temporal does not answer/) });
      expect((await fetch(`${awayUrl}/readyz`, { method: 'HEAD' })).status).toBe(503);
      expect((await fetch(`${awayUrl}/livez`)).status).toBe(200);
    } finally {
      await away.close();
    }
  });

  it('closes a connection whose headers do not arrive within headersTimeoutMs', async () => {
    // Node's default check runs every 30 s: without connectionsCheckingInterval this test times out.
    const slow = createWebhookReceiver({ client: t.client, secret, headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    const slowUrl = new URL(await slow.listen(0));
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(slowUrl.port), slowUrl.hostname, () => socket.write('POST / HTTP/1.1\r\nHost: x\r\n'));
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await slow.close();
    }
  }, 20_000);

  it('closes the oldest idle connection for a new one when full, and a connection idle for idleTimeoutMs', async () => {
    const capped = createWebhookReceiver({ client: t.client, secret, maxConnections: 2, idleTimeoutMs: 300 });
    const cappedUrl = new URL(await capped.listen(0));
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(cappedUrl.port), cappedUrl.hostname, () => resolve(socket));
        socket.on('error', reject);
      });
    const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
    const ask = (socket: Socket) =>
      new Promise<string>((resolve) => {
        socket.once('data', (chunk: Buffer) => resolve(chunk.toString()));
        socket.write('GET /livez HTTP/1.1\r\nHost: x\r\n\r\n');
      });
    try {
      const first = await open();
      const second = await open();
      const third = await open();
      // The oldest idle one gave way; the newest is served.
      await closed(first);
      expect(await ask(third)).toMatch(/^HTTP\/1\.1 200/);
      // Sending nothing for 300 ms costs a connection its place.
      await closed(second);
      await closed(third);
    } finally {
      await capped.close();
    }
  });

  it('serves authenticated deliveries while strangers hold 1,100 idle connections', async () => {
    // Strangers on other loopback addresses (a peer each), 110 apiece: past the server-wide cap of 1,000
    // connections, but under the per-peer one. Before, they filled the cap and Label Studio was refused.
    const held = createWebhookReceiver({
      client: t.client,
      secret,
      connection: TEST_CONNECTION,
      taskQueue: t.taskQueue,
      temporalTimeoutMs: 60_000,
      idleTimeoutMs: 600_000, // the strangers' connections stay: the cap's eviction is what is tested
      pipeline: { quietPeriod: '10m', reconcileEvery: 0 },
    });
    const heldUrl = new URL(await held.listen(0));
    const strangers: Socket[] = [];
    const openFrom = (localAddress: string): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect({ port: Number(heldUrl.port), host: heldUrl.hostname, localAddress }, () => resolve(socket));
        socket.on('error', () => undefined); // evicted: reset
        socket.once('error', reject);
      });
    try {
      for (let peer = 2; peer < 12; peer++) {
        strangers.push(...(await Promise.all(Array.from({ length: 110 }, () => openFrom(`127.0.0.${peer}`)))));
      }
      expect(strangers).toHaveLength(1_100);
      const project = nextProject++;
      sim.addProject(project); // one Label Studio has: a pipeline for an unknown project ends
      const answers = [];
      for (let i = 0; i < 5; i++) {
        // One connection per webhook, as Label Studio sends them.
        const res = await fetch(`${heldUrl.origin}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-webhook-secret': secret, connection: 'close' },
          body: annotationEvent(project, 'ANNOTATION_CREATED', i + 1),
        });
        answers.push(res.status);
      }
      expect(answers).toEqual([202, 202, 202, 202, 202]);
      const state = await eventually(
        () => t.client.workflow.getHandle(pipelineWorkflowId(TEST_CONNECTION, project)).query(pipelineStateQuery),
        (s: PipelineState) => s.pending?.events === 5,
      );
      expect(state.pending?.events).toBe(5);
      // The strangers kept what the cap allows them: 1,000 less the connections made room for.
      const open = strangers.filter((s) => !s.destroyed && !s.readableEnded).length;
      expect(open).toBeLessThan(1_000);
      expect(open).toBeGreaterThan(900);
    } finally {
      strangers.forEach((s) => s.destroy());
      await held.close();
    }
  }, 60_000);

  it('closes a peer\'s oldest idle connection past maxConnectionsPerPeer, not another peer\'s', async () => {
    const capped = createWebhookReceiver({ client: t.client, secret, maxConnectionsPerPeer: 2, idleTimeoutMs: 600_000 });
    const cappedUrl = new URL(await capped.listen(0));
    const openFrom = (localAddress: string): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = connect({ port: Number(cappedUrl.port), host: cappedUrl.hostname, localAddress }, () => resolve(socket));
        socket.once('error', reject);
      });
    try {
      const other = await openFrom('127.0.0.1');
      const first = await openFrom('127.0.0.2');
      await openFrom('127.0.0.2');
      const third = await openFrom('127.0.0.2');
      await new Promise<void>((resolve) => first.once('close', () => resolve()));
      expect(third.destroyed).toBe(false);
      expect(other.destroyed).toBe(false);
    } finally {
      await capped.close();
    }
  });

  it('serves HTTPS with tls, and the event reaches its pipeline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'receiver-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const cert = await readFile(join(dir, 'cert.pem'));
      const tls = createWebhookReceiver({ client: t.client, secret, connection: TEST_CONNECTION, taskQueue: t.taskQueue, tls: { cert, key: await readFile(join(dir, 'key.pem')) } });
      const tlsUrl = await tls.listen(0);
      const dispatcher = new Agent({ connect: { ca: cert } });
      try {
        expect(tlsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const project = nextProject++;
        sim.addProject(project); // one Label Studio has: a pipeline for an unknown project ends
        const res = await undiciFetch(tlsUrl, { method: 'POST', headers: { 'x-webhook-secret': secret, 'content-type': 'application/json' }, body: annotationEvent(project), dispatcher });
        expect(res.status).toBe(202);
        expect(await pipelineExists(project)).toBe(true);
        // Plain HTTP to the TLS port gets no answer a sender could read the secret from.
        await expect(fetch(tlsUrl.replace('https', 'http'), { method: 'POST', headers: { 'x-webhook-secret': secret }, body: '{}' })).rejects.toThrow();
      } finally {
        await dispatcher.close();
        await tls.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a short secret and a bad pipeline configuration at startup', () => {
    expect(() => createWebhookReceiver({ client: t.client, secret: 'short' })).toThrow(/at least 16 characters/);
    expect(() => createWebhookReceiver({ client: t.client, secret, pipeline: { quietPeriod: 'soon' } })).toThrow(/quietPeriod must be a duration/);
    expect(() => createWebhookReceiver({ client: t.client, secret, pipeline: { downstream: { workflowType: '', taskQueue: 'q' } } })).toThrow(/downstream.workflowType/);
  });
});

/** A POST without Content-Length (chunked), as a sender streaming a big body would make. */
function chunkedPost(url: string, secret: string, project: number, size: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'x-webhook-secret': secret, 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.write(`{"action": "ANNOTATIONS_CREATED", "project": {"id": ${project}}, "pad": "`);
    for (let sent = 0; sent < size && !req.destroyed; sent += 8192) req.write('x'.repeat(8192));
    req.end('"}');
  });
}

import { Agent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LabelStudioSimulator, type SimulatorOptions } from '../src/simulator';

const REST_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/;
const PYTHON_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;

const running: LabelStudioSimulator[] = [];

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function start(options?: SimulatorOptions): Promise<LabelStudioSimulator> {
  const sim = await LabelStudioSimulator.start(options);
  running.push(sim);
  return sim;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

async function call(
  sim: LabelStudioSimulator,
  method: string,
  path: string,
  options: { auth?: string | null; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const auth = options.auth === undefined ? `Token ${sim.legacyToken}` : options.auth;
  if (auth !== null) headers['Authorization'] = auth;
  const res = await fetch(sim.url + path, {
    method,
    headers,
    redirect: 'manual',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settles before a bound that tells two behaviours apart (not a speed measurement). */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<'settled' | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  return Promise.race([promise.then(() => 'settled' as const), bound]).finally(() => clearTimeout(timer));
}

function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
}

function expectLsError(answer: Answer, status: number, detail: string): void {
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ status_code: status, version: '1.23.2', detail, exc_info: null });
  expect(answer.body.id).toMatch(/^[0-9a-f-]{36}$/);
}

describe('enterprise sync lifecycle', () => {
  it('queues, runs in the background and completes, counting attempts', async () => {
    const sim = await start();
    const id = sim.addStorage({
      type: 'gcs_sa',
      project: 1,
      title: 'export',
      script: [{ status: 'completed', queuedMs: 40, runMs: 60, count: 4 }],
    });
    const initial = (await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`)).body;
    expect(initial).toMatchObject({ id, type: 'gcs_sa', project: 1, title: 'export', status: 'initialized', meta: null });
    for (const field of ['bucket', 'prefix', 'regex_filter', 'use_blob_urls', 'can_delete_objects', 'google_project_id',
      'target_service_account_email', 'description', 'synchronizable', 'last_sync', 'last_sync_count', 'last_sync_job',
      'traceback']) {
      expect(initial).toHaveProperty(field);
    }
    expect(initial.created_at).toMatch(REST_TIME);

    const queued = await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    expect(queued.status).toBe(200);
    expect(queued.body).toMatchObject({ id, status: 'queued', last_sync: null, last_sync_count: null, meta: { attempts: 1 } });
    expect(queued.body.last_sync_job).toEqual(expect.any(String));
    expect(queued.body.meta.time_queued).toMatch(PYTHON_TIME);

    await waitFor(() => sim.storage('gcs_sa', id)['status'] === 'in_progress');
    const running = sim.storage('gcs_sa', id);
    expect((running['meta'] as any).time_in_progress).toMatch(PYTHON_TIME);
    expect((running['meta'] as any).time_last_ping).toBe((running['meta'] as any).time_in_progress);

    await waitFor(() => sim.storage('gcs_sa', id)['status'] === 'completed');
    const done = (await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`)).body;
    expect(done).toMatchObject({ status: 'completed', last_sync_count: 4, last_sync_job: queued.body.last_sync_job });
    expect(done.last_sync).toMatch(REST_TIME);
    expect(done.meta).toMatchObject({ attempts: 1, total_annotations: 4 });
    expect(done.meta.time_completed).toMatch(PYTHON_TIME);
    expect(done.meta.duration).toBeGreaterThan(0.03);

    const again = await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    expect(again.body).toMatchObject({ status: 'queued', last_sync: null, last_sync_count: null, meta: { attempts: 2 } });
    expect(again.body.last_sync_job).not.toBe(queued.body.last_sync_job);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(2);
  });

  it('pings progress every 5 s on its clock; skipping the clock ahead shows the progress of the skipped span', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', queuedMs: 0, runMs: 3_600_000, count: 3_600 }] });
    await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    await waitFor(() => sim.storage('gcs_sa', id)['status'] === 'in_progress');
    const started = (sim.storage('gcs_sa', id)['meta'] as any).time_in_progress as string;

    sim.clock.skip(1_800_000);
    await waitFor(() => (sim.storage('gcs_sa', id)['meta'] as any).duration !== undefined);
    const half = (await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`)).body;
    expect(half.status).toBe('in_progress');
    expect(half.meta).toMatchObject({ time_in_progress: started, total_annotations: 3_600 });
    expect(half.meta.duration).toBeGreaterThan(1_799.9); // microseconds apart from the skip
    expect(half.last_sync_count).toBeGreaterThanOrEqual(1_800);
    expect(half.meta.time_last_ping).not.toBe(started);

    sim.clock.skip(1_800_000);
    await waitFor(() => sim.storage('gcs_sa', id)['status'] === 'completed');
    const done = (await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`)).body;
    expect(done).toMatchObject({ last_sync_count: 3_600, meta: { total_annotations: 3_600 } });
    expect(done.meta.duration).toBeGreaterThan(3_599.9);
    const requests = sim.requests.filter((r) => r.path.startsWith(`/api/storages/export/gcs_sa/${id}`)); // the POST, then GETs
    expect(requests.at(-1)!.at - requests[0]!.at).toBeGreaterThanOrEqual(3_600_000); // logged on the simulator's clock
  });

  it('plays the script in order and repeats its last outcome', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 's3', project: 1 });
    sim.setScript('s3', id, [
      { status: 'failed', queuedMs: 0, runMs: 5 },
      { status: 'completed', queuedMs: 0, runMs: 5, count: 9 },
    ]);
    const outcomes: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      await call(sim, 'POST', `/api/storages/export/s3/${id}/sync`);
      await waitFor(() => ['failed', 'completed'].includes(sim.storage('s3', id)['status'] as string));
      outcomes.push(sim.storage('s3', id)['status']);
    }
    expect(outcomes).toEqual(['failed', 'completed', 'completed']);
    expect(sim.storage('s3', id)['last_sync_count']).toBe(9);
  });

  it('fails with the scripted traceback, LS-style meta and an old traceback kept across later syncs', async () => {
    const sim = await start();
    const id = sim.addStorage({
      type: 'gcs_sa',
      project: 1,
      script: [{ status: 'failed', queuedMs: 0, runMs: 10, traceback: 'Traceback: boom' }, { status: 'completed', queuedMs: 0, runMs: 5 }],
    });
    await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    await waitFor(() => sim.storage('gcs_sa', id)['status'] === 'failed');
    const failed = sim.storage('gcs_sa', id);
    expect(failed).toMatchObject({ traceback: 'Traceback: boom', last_sync: null });
    expect((failed['meta'] as any).time_failure).toMatch(PYTHON_TIME);
    expect((failed['meta'] as any).duration).toBe(0); // info_set_failed measures from time_failure itself

    await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    await waitFor(() => sim.storage('gcs_sa', id)['status'] === 'completed');
    expect(sim.storage('gcs_sa', id)['traceback']).toBe('Traceback: boom'); // info_set_queued leaves it
  });

  it('writes a Python-looking traceback by default and keeps one for completed_with_errors', async () => {
    const sim = await start();
    const a = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'failed', queuedMs: 0, runMs: 5 }] });
    const b = sim.addStorage({
      type: 'gcs_sa',
      project: 1,
      script: [{ status: 'completed_with_errors', queuedMs: 0, runMs: 5, count: 2, traceback: 'bad 1\nbad 2' }],
    });
    await call(sim, 'POST', `/api/storages/export/gcs_sa/${a}/sync`);
    await call(sim, 'POST', `/api/storages/export/gcs_sa/${b}/sync`);
    await waitFor(() => sim.storage('gcs_sa', a)['status'] === 'failed');
    await waitFor(() => sim.storage('gcs_sa', b)['status'] === 'completed_with_errors');
    expect(sim.storage('gcs_sa', a)['traceback']).toMatch(/^Traceback \(most recent call last\):\n/);
    expect(sim.storage('gcs_sa', b)).toMatchObject({ traceback: 'bad 1\nbad 2', last_sync_count: 2 });
    expect(sim.storage('gcs_sa', b)['last_sync']).toMatch(REST_TIME);
  });

  it('leaves stuck syncs where they are', async () => {
    const sim = await start();
    const q = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued', queuedMs: 0 }] });
    const p = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_in_progress', queuedMs: 0, runMs: 5 }] });
    await call(sim, 'POST', `/api/storages/export/gcs_sa/${q}/sync`);
    await call(sim, 'POST', `/api/storages/export/gcs_sa/${p}/sync`);
    await sleep(60);
    expect(sim.storage('gcs_sa', q)['status']).toBe('queued');
    expect(sim.storage('gcs_sa', p)['status']).toBe('in_progress');
  });

  it('creates with 201 and starts a sync like LS', async () => {
    const sim = await start();
    sim.addStorage({ type: 'gcs', project: 3 });
    const created = await call(sim, 'POST', '/api/storages/export/gcs', {
      body: { project: 3, bucket: 'b', prefix: 'p', title: 'new', status: 'completed' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'gcs', project: 3, bucket: 'b', prefix: 'p', status: 'queued', meta: { attempts: 1 } });
    expect(sim.syncsStarted('gcs', created.body.id)).toBe(1);

    const missing = await call(sim, 'POST', '/api/storages/export/gcs', { body: { bucket: 'b' } });
    expectLsError(missing, 400, 'Validation error');
    expect(missing.body.validation_errors).toEqual({ project: ['This field is required.'] });
    const unknown = await call(sim, 'POST', '/api/storages/export/gcs', { body: { project: 99 } });
    expect(unknown.body.validation_errors).toEqual({ project: ['Invalid pk "99" - object does not exist.'] });
  });

  it('patches, validates and deletes', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'azure', project: 1, fields: { container: 'c' } });
    const patched = await call(sim, 'PATCH', `/api/storages/export/azure/${id}`, { body: { title: 'T', id: 77 } });
    expect(patched.body).toMatchObject({ id, title: 'T', container: 'c', type: 'azure' });
    const validated = await call(sim, 'POST', '/api/storages/export/azure/validate', { body: { project: 1 } });
    expect(validated.status).toBe(200);
    expect(validated.text).toBe('');
    expect((await call(sim, 'DELETE', `/api/storages/export/azure/${id}`)).status).toBe(204);
    expectLsError(await call(sim, 'GET', `/api/storages/export/azure/${id}`), 404, 'No AzureBlobExportStorage matches the given query.');
  });
});

describe('community edition', () => {
  it('syncs inside the POST and answers the end state without a job id', async () => {
    const sim = await start({ edition: 'community' });
    const id = sim.addStorage({ type: 'gcs', project: 1, script: [{ status: 'completed', runMs: 80, count: 2, queuedMs: 5000 }] });
    const started = Date.now();
    const answer = await call(sim, 'POST', `/api/storages/export/gcs/${id}/sync`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(answer.body).toMatchObject({ status: 'completed', last_sync_job: null, last_sync_count: 2, meta: { attempts: 1 } });
  });

  it('answers create with the queued instance while the sync already finished', async () => {
    const sim = await start({ edition: 'community' });
    sim.addStorage({ type: 'localfiles', project: 2 });
    const created = await call(sim, 'POST', '/api/storages/export/localfiles', { body: { project: 2, path: '/data' } });
    expect(created.body).toMatchObject({ status: 'queued', last_sync_job: null, path: '/data' });
    expect(sim.storage('localfiles', created.body.id)['status']).toBe('completed');
  });

  it('has no Enterprise-only storage types', async () => {
    const sim = await start({ edition: 'community' });
    expect(() => sim.addStorage({ type: 'gcs_sa', project: 1 })).toThrow(/Enterprise-only/);
    const answer = await call(sim, 'GET', '/api/storages/export/gcs_sa?project=1');
    expect(answer.status).toBe(404);
    expect(answer.text).toContain('<h1>Not Found</h1>');
  });
});

describe('sync refusals and races', () => {
  it('answers 400 with a message for a storage that is not synchronizable', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, synchronizable: false });
    const answer = await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ message: `Storage ${id} is not synchronizable` });
    expect(sim.syncsStarted('gcs_sa', id)).toBe(0);
  });

  it('without the guard, a trigger during a run starts a second sync that races with the first', async () => {
    const sim = await start();
    const id = sim.addStorage({
      type: 'gcs_sa',
      project: 1,
      script: [
        { status: 'completed', queuedMs: 0, runMs: 80 },
        { status: 'completed', queuedMs: 200, runMs: 10 },
      ],
    });
    await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    await waitFor(() => sim.storage('gcs_sa', id)['status'] === 'in_progress');
    const second = await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    expect(second.body).toMatchObject({ status: 'queued', meta: { attempts: 2 } });
    expect(sim.syncsStarted('gcs_sa', id)).toBe(2);

    // the first job saves its own, older meta when it completes
    await waitFor(() => sim.storage('gcs_sa', id)['status'] === 'completed');
    expect((sim.storage('gcs_sa', id)['meta'] as any).attempts).toBe(1);
    // the second job then finds the status no longer queued and fails
    await waitFor(() => sim.storage('gcs_sa', id)['status'] === 'failed');
    expect(sim.storage('gcs_sa', id)['traceback']).toContain('ValueError: Storage status (completed) must be QUEUED');
  });

  it('with the guard, a trigger during a run starts nothing and answers the current state', async () => {
    const sim = await start({ concurrentSyncGuard: true });
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'completed', queuedMs: 0, runMs: 100 }] });
    await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    await waitFor(() => sim.storage('gcs_sa', id)['status'] === 'in_progress');
    const second = await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    expect(second.body).toMatchObject({ status: 'in_progress', meta: { attempts: 1 } });
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });
});

describe('errors', () => {
  it('answers 401 without or with a wrong token', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1 });
    const none = await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`, { auth: null });
    expectLsError(none, 401, 'Authentication credentials were not provided.');
    expect(none.headers.get('www-authenticate')).toBe('Token');
    expectLsError(await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`, { auth: 'Token nope' }), 401, 'Invalid token.');
    expect(sim.requests.map((r) => r.auth)).toEqual(['none', 'token']);
  });

  it('answers 403 for another organization and 404 for a wrong type or project', async () => {
    const sim = await start();
    const own = sim.addStorage({ type: 'gcs_sa', project: 1 });
    const other = sim.addStorage({ type: 'gcs_sa', project: 2, organization: 'other' });
    const forbidden = 'You do not have permission to perform this action.';
    expectLsError(await call(sim, 'GET', `/api/storages/export/gcs_sa/${other}`), 403, forbidden);
    expectLsError(await call(sim, 'POST', `/api/storages/export/gcs_sa/${other}/sync`), 403, forbidden);
    expectLsError(await call(sim, 'GET', '/api/storages/export/gcs_sa?project=2'), 403, forbidden);
    expectLsError(await call(sim, 'GET', `/api/storages/export/s3/${own}`), 404, 'No S3ExportStorage matches the given query.');
    expectLsError(await call(sim, 'POST', '/api/storages/export/gcs_sa/999/sync'), 404, 'No GCSSAExportStorage matches the given query.');
    expectLsError(await call(sim, 'GET', '/api/storages/export/gcs_sa?project=5'), 404, 'No Project matches the given query.');
    const noProject = await call(sim, 'GET', '/api/storages/export/gcs_sa');
    expectLsError(noProject, 400, 'Validation error');
    expect(noProject.body.validation_errors).toEqual({ non_field_errors: ['query parameter "project" is required'] });
    expectLsError(await call(sim, 'PUT', `/api/storages/export/gcs_sa/${own}/sync`), 405, 'Method "PUT" not allowed.');
  });

  it('answers Django 404 pages for unknown types and trailing slashes, and 301 where LS has the slash', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1 });
    for (const path of ['/api/storages/export/ftp/1', `/api/storages/export/gcs_sa/${id}/`, `/api/storages/export/gcs_sa/${id}/sync/`]) {
      const answer = await call(sim, 'POST', path);
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('text/html');
    }
    const redirect = await call(sim, 'GET', '/api/projects?page=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/api/projects/?page=1');
    expect((await call(sim, 'GET', '/api/projects/')).body).toEqual({ count: 1, next: null, previous: null, results: [{ id: 1, title: 'Project 1' }] });
    expect((await call(sim, 'GET', '/api/projects/1/')).body).toEqual({ id: 1, title: 'Project 1', total_annotations_number: 0, num_tasks_with_annotations: 0 });
    expect(sim.storage('gcs_sa', id)['status']).toBe('initialized');
  });
});

describe('authentication', () => {
  it('exchanges the personal access token for short-lived Bearer access tokens', async () => {
    const sim = await start({ accessTokenTtlMs: 150 });
    const id = sim.addStorage({ type: 'gcs_sa', project: 1 });
    expect(jwtPayload(sim.personalAccessToken)).toMatchObject({
      token_type: 'refresh',
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.stringMatching(/^[0-9a-f]{32}$/),
      user_id: expect.any(Number),
    });

    const askedAt = Date.now();
    const refreshed = await call(sim, 'POST', '/api/token/refresh/', { auth: null, body: { refresh: sim.personalAccessToken } });
    const answeredAt = Date.now();
    expect(refreshed.status).toBe(200);
    const access = refreshed.body.access as string;
    expect(jwtPayload(access)).toMatchObject({ token_type: 'access' });
    // Issued while the request ran, for the configured 150 ms: the bracket is the request's own, whatever its speed.
    const expiresAt = (jwtPayload(access).exp as number) * 1000;
    expect(expiresAt - 150).toBeGreaterThanOrEqual(askedAt);
    expect(expiresAt - 150).toBeLessThanOrEqual(answeredAt);

    expect((await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`, { auth: `Bearer ${access}` })).status).toBe(200);
    await sleep(200);
    const expired = await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`, { auth: `Bearer ${access}` });
    // the JWT middleware swallows the token error, so DRF finds no credentials at all
    expectLsError(expired, 401, 'Authentication credentials were not provided.');
    const again = await call(sim, 'POST', '/api/token/refresh/', { auth: null, body: { refresh: sim.personalAccessToken } });
    expect((await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`, { auth: `Bearer ${again.body.access}` })).status).toBe(200);
    expect(sim.requests.map((r) => r.auth)).toEqual(['none', 'bearer', 'bearer', 'none', 'bearer']);
  });

  it('refuses bad refresh tokens and the PAT used as an access token', async () => {
    const sim = await start();
    const refresh = (value: unknown) => call(sim, 'POST', '/api/token/refresh/', { auth: null, body: { refresh: value } });
    const invalid = await refresh('not-a-jwt');
    expectLsError(invalid, 401, 'Token is invalid');
    expect(invalid.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    const access = (await refresh(sim.personalAccessToken)).body.access;
    expectLsError(await refresh(access), 401, 'Token has wrong type');
    const missing = await call(sim, 'POST', '/api/token/refresh/', { auth: null, body: {} });
    expect(missing.body.validation_errors).toEqual({ refresh: ['This field is required.'] });
    expectLsError(await call(sim, 'GET', '/api/projects/', { auth: `Bearer ${sim.personalAccessToken}` }), 401,
      'Authentication credentials were not provided.');
    expect((await call(sim, 'POST', '/api/token/refresh', { auth: null })).status).toBe(301);
  });

  it('refuses legacy tokens when the organization disabled them, Bearer still works', async () => {
    const sim = await start({ legacyTokensEnabled: false, legacyToken: 'abc123' });
    expect(sim.legacyToken).toBe('abc123');
    const legacy = await call(sim, 'GET', '/api/projects/');
    expectLsError(legacy, 401,
      'Authentication token no longer valid: legacy token authentication has been disabled for this organization');
    const access = (await call(sim, 'POST', '/api/token/refresh/', { auth: null, body: { refresh: sim.personalAccessToken } })).body.access;
    expect((await call(sim, 'GET', '/api/projects/', { auth: `Bearer ${access}` })).status).toBe(200);
  });

  it('makes a random 40-hex legacy token by default', async () => {
    const sim = await start();
    expect(sim.legacyToken).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('faults', () => {
  it('lose-response: the sync really starts but no answer arrives', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued' }] });
    sim.injectFault({ kind: 'lose-response', match: { method: 'POST', path: /\/sync$/ } });
    await expect(call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`)).rejects.toThrow();
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    expect(sim.storage('gcs_sa', id)).toMatchObject({ status: 'queued', meta: { attempts: 1 } });
    expect(sim.requests).toEqual([expect.objectContaining({ method: 'POST', status: 0 })]);
    // consumed: the next trigger is answered
    expect((await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`)).body.meta.attempts).toBe(2);
  });

  it('reset: the connection drops and nothing is handled', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1 });
    sim.injectFault({ kind: 'reset' });
    await expect(call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`)).rejects.toThrow();
    expect(sim.syncsStarted('gcs_sa', id)).toBe(0);
    expect(sim.requests).toHaveLength(1);
  });

  it('429 with Retry-After in the LS error shape, consumed `times` times by matching requests only', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1 });
    sim.injectFault({ kind: 'status', status: 429, retryAfter: '2', times: 2, match: { path: `/api/storages/export/gcs_sa/${id}/sync` } });
    expect((await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`)).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const throttled = await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
      expectLsError(throttled, 429, 'Request was throttled. Expected available in 2 seconds.');
      expect(throttled.headers.get('retry-after')).toBe('2');
    }
    expect(sim.syncsStarted('gcs_sa', id)).toBe(0);
    expect((await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`)).status).toBe(200);
    expect(sim.requests.map((r) => r.status)).toEqual([200, 429, 429, 200]);
  });

  it('502/503/504 come as the proxy HTML page, or as LS JSON when a detail is given', async () => {
    const sim = await start();
    sim.injectFault({ kind: 'status', status: 502 });
    sim.injectFault({ kind: 'status', status: 503, detail: 'maintenance', retryAfter: '30' });
    const proxy = await call(sim, 'GET', '/api/projects/');
    expect(proxy.status).toBe(502);
    expect(proxy.headers.get('content-type')).toContain('text/html');
    expect(proxy.text).toContain('<title>502 Bad Gateway</title>');
    const json = await call(sim, 'GET', '/api/projects/');
    expectLsError(json, 503, 'maintenance');
    expect(json.headers.get('retry-after')).toBe('30');
  });

  it('delay: handles at once and answers later', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued' }] });
    sim.injectFault({ kind: 'delay', ms: 150 });
    const started = Date.now();
    const pending = call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    await waitFor(() => sim.syncsStarted('gcs_sa', id) === 1);
    expect(sim.requests[0]?.status).toBe(0);
    expect((await pending).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    expect(sim.requests[0]?.status).toBe(200);
  });
  it('hold: the request runs late, even after the client gave up', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued' }] });
    sim.injectFault({ kind: 'hold', ms: 1500, match: { method: 'POST' } });
    const gaveUp = AbortSignal.timeout(50);
    await expect(fetch(`${sim.url}/api/storages/export/gcs_sa/${id}/sync`, { method: 'POST', headers: { authorization: `Token ${sim.legacyToken}` }, signal: gaveUp })).rejects.toThrow();
    expect(sim.syncsStarted('gcs_sa', id)).toBe(0);
    await waitFor(() => sim.syncsStarted('gcs_sa', id) === 1, 10_000);
    expect(sim.requests[0]?.status).toBe(0); // nobody was there to receive the answer
  });

  it('gateway: its page answers while Label Studio gets the request later and runs it', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued' }] });
    sim.injectFault({ kind: 'gateway', status: 504, answerAfterMs: 20, reachAfterMs: 1500, match: { method: 'POST' } });
    const answer = await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    expect(answer.status).toBe(504);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(answer.text).toContain('<title>504 Gateway Time-out</title>');
    expect(sim.syncsStarted('gcs_sa', id)).toBe(0);
    await waitFor(() => sim.syncsStarted('gcs_sa', id) === 1, 10_000);
    expect(sim.storage('gcs_sa', id)).toMatchObject({ status: 'queued', meta: { attempts: 1 } });
    expect(sim.requests.map((r) => r.status)).toEqual([504]);
  });

  it('gateway: Label Studio may run the request before its page answers, or never get it', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued' }] });
    sim.injectFault({ kind: 'gateway', status: 502, answerAfterMs: 100, reachAfterMs: 0, match: { method: 'POST' } });
    sim.injectFault({ kind: 'gateway', status: 503, answerAfterMs: 0, match: { method: 'POST' } });
    expect((await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`)).status).toBe(502);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
    const unreached = await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    expect(unreached.status).toBe(503);
    expect(unreached.text).toContain('<title>503 Service Temporarily Unavailable</title>');
    // The next request is answered by Label Studio: it has seen one sync POST in all.
    expect((await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`)).body.meta.attempts).toBe(1);
  });

  it.each([
    [500, 'application/json'],
    [502, 'text/html'],
    [504, 'text/html'],
  ] as const)('error-after-run %i: the sync is registered, then the error answers', async (status, contentType) => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued' }] });
    sim.injectFault({ kind: 'error-after-run', status, match: { method: 'POST' } });
    const answer = await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toContain(contentType);
    if (status === 500) expectLsError(answer, 500, 'Unknown error');
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });

  it('truncate-response: the sync is registered; the answer announces its whole length and stops halfway', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued' }] });
    sim.injectFault({ kind: 'truncate-response', match: { method: 'POST' } });
    const res = await fetch(`${sim.url}/api/storages/export/gcs_sa/${id}/sync`, { method: 'POST', headers: { authorization: `Token ${sim.legacyToken}` } });
    expect(res.status).toBe(200);
    const whole = JSON.stringify(sim.storage('gcs_sa', id)).length;
    expect(Number(res.headers.get('content-length'))).toBe(whole);
    await expect(res.text()).rejects.toThrow();
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });

  it('garble-response: the sync is registered; a complete 200 answers cut JSON text', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_queued' }] });
    sim.injectFault({ kind: 'garble-response', match: { method: 'POST' } });
    const answer = await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    expect(answer.status).toBe(200);
    expect(answer.text.length).toBeGreaterThan(0);
    expect(answer.body).toBeUndefined(); // not JSON
    expect(JSON.stringify(sim.storage('gcs_sa', id)).startsWith(answer.text)).toBe(true);
    expect(sim.syncsStarted('gcs_sa', id)).toBe(1);
  });

  it('random faults draw the gateway and broken-answer kinds too', async () => {
    const sim = await start();
    sim.injectRandomFaults({
      rate: 1,
      seed: 3,
      responseTimeoutMs: 40,
      mix: { 'server-error': 0, throttled: 0, reset: 0, 'late-answer': 0, held: 0, 'lost-answer': 0 },
      match: { method: 'GET' },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push(await call(sim, 'GET', '/api/projects/').then((a) => (a.body === undefined && a.status === 200 ? -1 : a.status), () => 0));
    const drawn = sim.randomFaultsDrawn!;
    expect(drawn['gateway-timeout'] + drawn['error-after-run'] + drawn.truncated + drawn.garbled).toBe(40);
    expect(statuses.filter((s) => s === -1)).toHaveLength(drawn.garbled);
    expect(statuses.filter((s) => s === 0)).toHaveLength(drawn.truncated);
    expect(statuses.filter((s) => s >= 500)).toHaveLength(drawn['gateway-timeout'] + drawn['error-after-run']);
    expect(statuses).toContain(504);
  });

  it('random faults: a seeded share of the matching requests, the same draws for the same seed', async () => {
    const draws = async (seed: number) => {
      const sim = await start();
      sim.injectRandomFaults({ rate: 0.5, seed, responseTimeoutMs: 20, mix: { 'late-answer': 0, held: 0, 'lost-answer': 0, 'gateway-timeout': 0, 'error-after-run': 0, truncated: 0, garbled: 0 }, match: { method: 'GET' } });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push(await call(sim, 'GET', '/api/projects/').then((a) => a.status, () => 0));
      expect((await call(sim, 'POST', '/api/projects/')).status).toBe(405); // not matched: never faulted
      return { statuses, drawn: { ...sim.randomFaultsDrawn } };
    };
    const a = await draws(7);
    expect(a).toEqual(await draws(7));
    const faulted = a.statuses.filter((s) => s !== 200).length;
    expect(faulted).toBeGreaterThan(5);
    expect(faulted).toBeLessThan(35);
    expect(a.drawn['server-error']! + a.drawn.throttled! + a.drawn.reset!).toBe(faulted);
    expect(a.drawn['late-answer']).toBe(0);
    expect(a.statuses).toContain(429);
    expect(a.statuses).toContain(0);
    expect(a.statuses.some((s) => s >= 500)).toBe(true);
  });
});

describe('list endpoints', () => {
  it('lists one type or every type of a project, each with its type', async () => {
    const sim = await start();
    const a = sim.addStorage({ type: 'gcs_sa', project: 1 });
    const b = sim.addStorage({ type: 's3', project: 1, fields: { bucket: 'x' } });
    sim.addStorage({ type: 's3', project: 2 });
    const one = await call(sim, 'GET', '/api/storages/export/gcs_sa?project=1');
    expect(one.body.map((s: any) => s.id)).toEqual([a]);
    const all = await call(sim, 'GET', '/api/storages/export?project=1');
    expect(all.body.map((s: any) => [s.id, s.type])).toEqual([[b, 's3'], [a, 'gcs_sa']]);
    expect(all.body[0].bucket).toBe('x');
  });

  it('health check: a run with no ping for 25 s turns failed, only when a list is read', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1, script: [{ status: 'stuck_in_progress', queuedMs: 0 }] });
    await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    await waitFor(() => sim.storage('gcs_sa', id)['status'] === 'in_progress');
    expect((await call(sim, 'GET', '/api/storages/export?project=1')).body[0].status).toBe('in_progress');

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 26_000);
    expect((await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`)).body.status).toBe('in_progress');
    const listed = (await call(sim, 'GET', '/api/storages/export/gcs_sa?project=1')).body[0];
    expect(listed.status).toBe('failed');
    expect(listed.traceback).toContain('the last ping time is too old');
  });
});

describe('lifecycle of the server', () => {
  it('close() ends idle keep-alive connections so it returns at once', async () => {
    const sim = await LabelStudioSimulator.start();
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${sim.url}/api/projects/`, { agent, headers: { Authorization: `Token ${sim.legacyToken}` } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    // Without closing idle sockets, close() would wait for the server's 5 s keep-alive timeout.
    expect(await settlesWithin(sim.close(), 4_500)).toBe('settled');
    agent.destroy();
  });

  it('close() also ends requests still being answered', async () => {
    const sim = await LabelStudioSimulator.start();
    sim.injectFault({ kind: 'delay', ms: 10_000 });
    const pending = call(sim, 'GET', '/api/projects/');
    await waitFor(() => sim.requests.length === 1);
    // Waiting for the delayed answer would take the fault's 10 s.
    expect(await settlesWithin(sim.close(), 9_000)).toBe('settled');
    await expect(pending).rejects.toThrow();
  });

  it('keeps an accurate request log until cleared', async () => {
    const sim = await start();
    const id = sim.addStorage({ type: 'gcs_sa', project: 1 });
    await call(sim, 'POST', `/api/storages/export/gcs_sa/${id}/sync`);
    await call(sim, 'GET', `/api/storages/export/gcs_sa/${id}`, { auth: null });
    expect(sim.requests).toEqual([
      { method: 'POST', path: `/api/storages/export/gcs_sa/${id}/sync`, status: 200, at: expect.any(Number), auth: 'token' },
      { method: 'GET', path: `/api/storages/export/gcs_sa/${id}`, status: 401, at: expect.any(Number), auth: 'none' },
    ]);
    sim.clearRequests();
    expect(sim.requests).toHaveLength(0);
  });
});

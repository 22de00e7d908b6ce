import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../src/activities';
import { LabelStudioClient, type LabelStudioClientOptions } from '../src/labelstudio/client';
import { LabelStudioClientRegistry } from '../src/labelstudio/client-registry';
import { LabelStudioError } from '../src/labelstudio/errors';
import type { RequestEnd } from '../src/labelstudio/request-observer';
import { rejectionOf } from './helpers/rejection';
import { labelStudioConnection, TEST_CONNECTION } from './helpers/temporal';

// A stand-in for Label Studio that misbehaves on purpose, by the id in the path: it trickles its answer
// a byte every 100 ms (1), holds the request unanswered (2), sends a 2,000-byte answer (3), or announces
// 2,000 bytes and holds after the first few (4). Each request records whether its connection was closed
// before the answer was complete: the client gave up on it.
const TRICKLING = 1;
const HELD = 2;
const LARGE = 3;
const ANNOUNCED_LARGE = 4;

interface SeenRequest {
  method: string;
  url: string;
  /** Resolves once the connection closed: true when the answer had not been sent whole. */
  closedEarly: Promise<boolean>;
}

const seen: SeenRequest[] = [];
let server: Server;
let url: string;

const storage = (id: number, pad = '') => JSON.stringify({ id, type: 'gcs', project: 1, status: 'completed', meta: { attempts: 1 }, pad });

function answer(id: number, res: ServerResponse): void {
  const json = { 'content-type': 'application/json' };
  if (id === TRICKLING) {
    res.writeHead(200, json).write(storage(id).slice(0, -2));
    const drip = setInterval(() => res.write('x'), 100);
    res.on('close', () => clearInterval(drip));
  } else if (id === LARGE) {
    res.writeHead(200, json).end(storage(id, 'x'.repeat(2_000)));
  } else if (id === ANNOUNCED_LARGE) {
    res.writeHead(200, { ...json, 'content-length': '2000' }).write(storage(id).slice(0, 10));
  } else if (id !== HELD) {
    res.writeHead(200, json).end(storage(id));
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const closedEarly = new Promise<boolean>((resolve) => res.on('close', () => resolve(!res.writableFinished)));
    seen.push({ method: req.method!, url: req.url!, closedEarly });
    // The storage id, the project of a list, or the project of the counters read.
    const id = Number(/(?:\/gcs\/|project=|\/projects\/)(\d+)/.exec(req.url!)?.[1]);
    answer(id, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The first request for `path` the server got after the first `from`, once it got one. */
async function arrived(from: number, method: string, path: string): Promise<SeenRequest> {
  return vi.waitFor(
    () => {
      const request = seen.slice(from).find((r) => r.method === method && r.url.startsWith(path));
      if (!request) throw new Error(`no ${method} ${path} yet`);
      return request;
    },
    { timeout: 20_000 },
  );
}

/** `promise`, or a failure saying what did not happen: a generous bound turns "never" into a failed test, not a hung one. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const never = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within 20 s`)), 20_000)));
  return Promise.race([promise, never]).finally(() => clearTimeout(timer));
}

/** Whether the connection closed before the answer was whole, once it closed. */
const closedEarly = (request: SeenRequest) => within(request.closedEarly, 'the close of the connection');

async function withClient<T>(options: Partial<LabelStudioClientOptions>, use: (client: LabelStudioClient) => Promise<T>): Promise<T> {
  const client = new LabelStudioClient({ baseUrl: url, apiKey: 'k', connectionName: 'slow', ...options });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

const failure = (promise: Promise<unknown>) => rejectionOf(promise, LabelStudioError);

describe('a Label Studio request is bounded', () => {
  it('cuts an answer that trickles in past the read timeout: a deadline for the whole answer, not an idle timer', async () => {
    await withClient({ readTimeoutMs: 500, responseTimeoutMs: 60_000 }, async (client) => {
      const from = seen.length;
      const err = await within(failure(client.getExportStorage('gcs', TRICKLING)), 'the read timeout');
      expect(err).toMatchObject({ kind: 'timeout', permanent: false });
      expect(err.message).toBe('Label Studio [slow] read gcs storage 1: the answer did not end within the read timeout (500 ms)');
      expect(await closedEarly(await arrived(from, 'GET', '/api/storages/export/gcs/1'))).toBe(true);
    });
  });

  it('cuts the sync POST\'s trickling answer at the response timeout', async () => {
    await withClient({ readTimeoutMs: 500, responseTimeoutMs: 700 }, async (client) => {
      const from = seen.length;
      const err = await within(failure(client.triggerExportSync('gcs', TRICKLING)), 'the response timeout');
      expect(err).toMatchObject({ kind: 'timeout', permanent: false });
      expect(err.message).toContain('the answer did not end within the response timeout (700 ms)');
      expect(await closedEarly(await arrived(from, 'POST', '/api/storages/export/gcs/1/sync'))).toBe(true);
    });
  });

  it('refuses an answer past maxResponseBytes as permanent, naming the limit and the option', async () => {
    const err = await withClient({ maxResponseBytes: 1_000 }, (client) => failure(client.getExportStorage('gcs', LARGE)));
    expect(err).toMatchObject({ kind: 'response_too_large', permanent: true });
    expect(err.message).toBe(
      "Label Studio [slow] read gcs storage 3: the answer is larger than 1000 bytes (raise the connection's maxResponseBytes, LABEL_STUDIO_MAX_RESPONSE_BYTES on a worker)",
    );
    // The same answer under the default cap is a good one.
    expect(await withClient({}, (client) => client.getExportStorage('gcs', LARGE))).toMatchObject({ id: LARGE });
  });

  it('refuses an answer whose Content-Length is past the cap without waiting for its body', async () => {
    await withClient({ maxResponseBytes: 1_000, readTimeoutMs: 60_000 }, async (client) => {
      const from = seen.length;
      expect(await within(failure(client.getExportStorage('gcs', ANNOUNCED_LARGE)), 'the refusal')).toMatchObject({ kind: 'response_too_large' });
      expect(await closedEarly(await arrived(from, 'GET', '/api/storages/export/gcs/4'))).toBe(true);
    });
  });

  it('aborts a call when its caller\'s signal fires, with the caller\'s reason rather than a timeout', async () => {
    const ends: RequestEnd[] = [];
    const observe = () => (end: RequestEnd) => ends.push(end);
    await withClient({ readTimeoutMs: 60_000, observe }, async (client) => {
      const caller = new AbortController();
      const from = seen.length;
      const call = client.withSignal(caller.signal).getExportStorage('gcs', HELD);
      const request = await arrived(from, 'GET', '/api/storages/export/gcs/2');
      const reason = new Error('the caller gave up');
      caller.abort(reason);
      await expect(within(call, 'the abort')).rejects.toBe(reason);
      expect(await closedEarly(request)).toBe(true);
      expect(ends).toEqual([{ error: 'cancelled' }]);
      // The client it was bound from is not aborted.
      expect(await client.getExportStorage('gcs', 5)).toMatchObject({ id: 5 });
    });
  });
});

describe('no Label Studio request outlives its activity', () => {
  let registry: LabelStudioClientRegistry;
  beforeAll(() => {
    // Deadlines far beyond the test: only the activity's cancellation can end these requests.
    const connection = { ...labelStudioConnection(TEST_CONNECTION, url, 'bounded-requests-key'), responseTimeoutMs: 600_000, readTimeoutMs: 600_000 };
    registry = new LabelStudioClientRegistry(new Map([[TEST_CONNECTION, connection]]));
  });
  afterAll(async () => {
    server.closeAllConnections(); // a request still held (a failing test) would keep close() waiting
    await registry.close();
  });

  const ref = { connection: TEST_CONNECTION, type: 'gcs' as const, id: HELD };
  const cases: Array<[string, string, string, (a: ReturnType<typeof createActivities>) => Promise<unknown>]> = [
    ['readStorage', 'GET', `/api/storages/export/gcs/${HELD}`, (a) => a.readStorage(ref)],
    ['triggerSync', 'POST', `/api/storages/export/gcs/${HELD}/sync`, (a) => a.triggerSync({ ref, baselineAttempts: 0 })],
    ['awaitSyncEnd', 'GET', `/api/storages/export/gcs/${HELD}`, (a) => a.awaitSyncEnd({ ref, syncAttempt: 1, stallTimeoutMs: 60_000 })],
    ['listExportStorages', 'GET', `/api/storages/export?project=${HELD}`, (a) => a.listExportStorages({ connection: TEST_CONNECTION, project: HELD })],
    ['readProjectCounters', 'GET', `/api/projects/${HELD}/`, (a) => a.readProjectCounters({ connection: TEST_CONNECTION, project: HELD })],
    ['countTargetObjects', 'GET', `/api/storages/export/gcs/${HELD}`, (a) => a.countTargetObjects(ref)],
  ];

  it.each(cases)('%s: cancelled, its request is aborted and it ends as cancelled', async (_name, method, path, run) => {
    const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
    const from = seen.length;
    const activity = env.run(() => run(createActivities(registry)));
    const request = await arrived(from, method, path);
    env.cancel();
    expect(await within(rejectionOf(activity, CancelledFailure), 'the end of the activity')).toBeInstanceOf(CancelledFailure);
    expect(await closedEarly(request)).toBe(true);
  });

  it('a trigger whose activity timed out aborts its POST too', async () => {
    const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
    const from = seen.length;
    const activity = env.run(() => createActivities(registry).triggerSync({ ref, baselineAttempts: 0 }));
    const request = await arrived(from, 'POST', `/api/storages/export/gcs/${HELD}/sync`);
    env.cancel('TIMED_OUT');
    expect(await within(rejectionOf(activity, CancelledFailure), 'the end of the activity')).toMatchObject({ message: 'TIMED_OUT' });
    expect(await closedEarly(request)).toBe(true);
  });
});

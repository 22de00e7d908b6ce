import { createServer } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeForError } from '../src/cli/error-exit-code';
import { ExitCode } from '../src/cli/exit-codes';
import { awaitSyncReport, startStorageSync } from '../src/client/sync-client';
import { FailureType } from '../src/failure-types';
import { LabelStudioClient } from '../src/labelstudio/client';
import type { LabelStudioSimulator } from '../src/simulator';
import { recordHistory } from './helpers/record-history';
import { startSimulator } from './helpers/simulated-label-studio';
import { startSync, syncError, syncInput } from './helpers/sync-run';
import { labelStudioConnection, startTestWorker, TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

// Label Studio goes away while a sync runs (its simulator closes): by default the sync waits, within its
// overall timeout, for it to come back; with policy.unreachableTimeout it fails fast, typed.
const TOKEN = 'unreachable-timeout-test-token';
const ports: Record<'durable' | 'fast', number> = { durable: 0, fast: 0 };
const sims: LabelStudioSimulator[] = [];
let t: TestTemporal;

beforeAll(async () => {
  ports.durable = await freePort();
  ports.fast = await freePort();
  t = await startTestWorker([
    labelStudioConnection(TEST_CONNECTION, `http://127.0.0.1:${ports.durable}`, TOKEN),
    labelStudioConnection(`${TEST_CONNECTION}-fast`, `http://127.0.0.1:${ports.fast}`, TOKEN),
  ]);
});
afterAll(async () => {
  await t?.close();
  await Promise.all(sims.map((s) => s.close()));
});

/** A simulator on `port` whose storage 1 is syncing for a minute. */
async function labelStudioSyncing(port: number): Promise<LabelStudioSimulator> {
  const sim = await startSimulator({ port, legacyToken: TOKEN });
  sims.push(sim);
  sim.addStorage({ type: 's3', project: 1, script: [{ status: 'completed', runMs: 60_000 }] });
  return sim;
}

/** The poll: its own activity, or the one that triggered first (no request budget here). */
const POLLS = ['awaitSyncEnd', 'triggerAndAwaitSync'];

/** Until the poll has been retried `n` times without an answer (its pending activity shows the attempt). */
async function pollFailed(handle: WorkflowHandle, n: number): Promise<void> {
  for (;;) {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    if (pending.some((a) => POLLS.includes(a.activityType?.name ?? '') && (a.attempt ?? 0) > n)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a Label Studio that goes away during a sync', () => {
  it('is waited for by default: the sync completes once it answers again', async () => {
    const sim = await labelStudioSyncing(ports.durable);
    const { handle } = await startSync(t.client, t.taskQueue, 's3', 1);
    while (sim.storage('s3', 1)['status'] !== 'in_progress') await new Promise((r) => setTimeout(r, 50));
    await sim.close();
    await pollFailed(handle, 3);

    // Back, with the sync ended meanwhile (the same storage, its first sync completed).
    const back = await startSimulator({ port: ports.durable, legacyToken: TOKEN });
    sims.push(back);
    back.addStorage({ type: 's3', project: 1, script: [{ status: 'completed', runMs: 100, count: 7 }] });
    const client = new LabelStudioClient({ baseUrl: back.url, apiKey: TOKEN });
    await client.triggerExportSync('s3', 1);
    await client.close();

    const report = await handle.result();
    expect(report.outcome).toBe('completed');
    expect(report.attempts.map((a) => a.status)).toEqual(['completed']);
    await recordHistory(handle, 'unreachable-waited');
  });

  it('fails the sync as LabelStudioUnreachable once it has not answered for unreachableTimeout (exit 4 in the CLI)', async () => {
    const sim = await labelStudioSyncing(ports.fast);
    const input = syncInput('s3', 1, { unreachableTimeout: '3s' }, `${TEST_CONNECTION}-fast`);
    const { handle } = await startStorageSync(t.client, input, { taskQueue: t.taskQueue });
    while (sim.storage('s3', 1)['status'] !== 'in_progress') await new Promise((r) => setTimeout(r, 50));
    await sim.close();

    const err = await syncError(awaitSyncReport(handle));
    expect(err.failureType).toBe(FailureType.LabelStudioUnreachable);
    expect(err.message).toMatch(/cannot reach Label Studio \(ECONNREFUSED\); Label Studio has not answered for \d+s \(unreachableTimeout 3s\)/);
    expect(err.report?.outcome).toBe('failed');
    expect(exitCodeForError(err)).toBe(ExitCode.Unreachable);
    await recordHistory(handle, 'unreachable-timeout');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

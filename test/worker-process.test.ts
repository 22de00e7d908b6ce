import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rememberSecret } from './helpers/secrets';
import { spawnWorker, WORKER_STARTED } from './helpers/worker-process';

/** Starts src/worker.ts, waits until it polls, sends the signal, resolves with its exit code. */
async function stopWith(signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  const key = `worker-process-key-${randomUUID()}`;
  rememberSecret(key);
  const worker = spawnWorker({
    LABEL_STUDIO_URL: 'http://127.0.0.1:9',
    LABEL_STUDIO_API_KEY: key,
    LABEL_STUDIO_TEMPORAL_TASK_QUEUE: `worker-process-${randomUUID()}`,
  });
  await worker.waitFor(WORKER_STARTED);
  worker.child.kill(signal);
  return { code: await worker.exited, stderr: worker.stderr() };
}

describe('the worker process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('shuts down cleanly on %s', async (signal) => {
    const { code, stderr } = await stopWith(signal);
    expect(stderr).toContain(WORKER_STARTED);
    expect(code).toBe(0);
  });
});

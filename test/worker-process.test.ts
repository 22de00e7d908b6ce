import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { rememberSecret } from './helpers/secrets';

const ROOT = join(__dirname, '..');

/** Starts src/worker.ts, waits until it polls, sends the signal, resolves with its exit code. */
function stopWith(signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  const key = `worker-process-key-${randomUUID()}`;
  rememberSecret(key);
  // node itself, not the tsx wrapper: the wrapper answers a signal with its own 128+n exit code.
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', join(ROOT, 'src', 'worker.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      LABEL_STUDIO_URL: 'http://127.0.0.1:9',
      LABEL_STUDIO_API_KEY: key,
      LABEL_STUDIO_TEMPORAL_TASK_QUEUE: `worker-process-${randomUUID()}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let sent = false;
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!sent && stderr.includes('label-studio-temporal worker: task queue')) sent = child.kill(signal);
    });
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('the worker process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('shuts down cleanly on %s', async (signal) => {
    const { code, stderr } = await stopWith(signal);
    expect(stderr).toContain('label-studio-temporal worker: task queue');
    expect(code).toBe(0);
  });
});

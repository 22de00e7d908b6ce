import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';

const ROOT = join(__dirname, '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything the worker wrote to stderr so far (its logs). */
  stderr(): string;
  /** Resolves once stderr contains `text`; rejects if the worker exits first. */
  waitFor(text: string): Promise<void>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** src/worker.ts in a process of its own, on the run's Temporal server, configured by `env`. */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  // node itself, not the tsx wrapper: the wrapper answers a signal with its own 128+n exit code.
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', join(ROOT, 'src', 'worker.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const waiters = new Set<{ text: string; resolve(): void }>();
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const w of waiters) if (stderr.includes(w.text)) (waiters.delete(w), w.resolve());
  });
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  return {
    child,
    stderr: () => stderr,
    exited,
    waitFor: (text) =>
      new Promise((resolve, reject) => {
        if (stderr.includes(text)) return resolve();
        waiters.add({ text, resolve });
        void exited.then((code) => reject(new Error(`worker exited (${code}) before logging ${JSON.stringify(text)}:\n${stderr}`)));
      }),
  };
}

export const WORKER_STARTED = 'label-studio-temporal worker: task queue';

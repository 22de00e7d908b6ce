import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source in a child process with exactly this environment (plus PATH and HOME). */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface SpawnedCli {
  /** Sends a signal to the CLI process. */
  kill(signal: NodeJS.Signals): void;
  /** Resolves once stderr has shown this text (or a match of this pattern). */
  stderrShows(text: string | RegExp): Promise<void>;
  done: Promise<CliRun>;
}

/**
 * The CLI as a process that gets signalled: node itself with tsx's loaders, not the tsx wrapper, which
 * answers a signal with its own 128+n exit code. Both loaders: the commands import what they run with import().
 */
export function spawnCli(args: string[], env: Record<string, string>, timeoutMs = 600_000): SpawnedCli {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string | RegExp; resolve: () => void }> = [];
  const shows = (text: string | RegExp) => (typeof text === 'string' ? stderr.includes(text) : text.test(stderr));
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    for (const w of waiters.filter((w) => shows(w.text))) w.resolve();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return {
    kill: (signal) => void child.kill(signal),
    stderrShows: (text) =>
      new Promise<void>((resolve, reject) => {
        if (shows(text)) return resolve();
        waiters.push({ text, resolve });
        void done.then((run) => reject(new Error(`the CLI exited (${run.code}) before printing ${typeof text === 'string' ? JSON.stringify(text) : String(text)}:\n${run.stderr}`)));
      }),
    done,
  };
}

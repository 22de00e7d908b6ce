// Cached Python virtualenvs for the local servers (Label Studio, storage emulators).
// They live outside the repo, under the user's cache folder, so a clean clone, `git clean` and
// every test run share one install: installing Label Studio takes minutes, reusing it takes none.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface PythonVenv {
  /** The venv's root folder. */
  readonly dir: string;
  /** Absolute path of a console script or interpreter in the venv's bin/ (e.g. "label-studio", "python"). */
  bin(name: string): string;
}

export interface EnsureVenvOptions {
  /** Folder name under the venvs cache, e.g. "label-studio-1.23.2". */
  name: string;
  /** pip requirement specifiers, pinned (e.g. "label-studio==1.23.2"). */
  requirements: readonly string[];
  /** Interpreter that creates the venv; default $LST_PYTHON or "python3". */
  python?: string;
  /** Give up waiting for another process's install after this long; default 30 min. */
  lockTimeoutMs?: number;
}

const MARKER = '.label-studio-temporal-requirements.json';

/** ~/.cache/label-studio-temporal (or $XDG_CACHE_HOME/label-studio-temporal). */
export function cacheRoot(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'label-studio-temporal');
}

function log(message: string): void {
  process.stderr.write(`[python-venv] ${message}\n`);
}

/** Creates (or reuses) the venv and installs exactly `requirements` into it. Safe to call concurrently. */
export async function ensurePythonVenv(options: EnsureVenvOptions): Promise<PythonVenv> {
  const venvsDir = join(cacheRoot(), 'venvs');
  const dir = join(venvsDir, options.name);
  const python = options.python ?? process.env.LST_PYTHON ?? 'python3';
  const wanted = JSON.stringify({ python, requirements: [...options.requirements].sort() });
  const venv: PythonVenv = { dir, bin: (name) => join(dir, 'bin', name) };

  if (await isInstalled(dir, wanted)) return venv;
  await mkdir(venvsDir, { recursive: true });
  const release = await acquireLock(join(venvsDir, `${options.name}.lock`), options.lockTimeoutMs ?? 30 * 60_000);
  try {
    // Another process may have finished the same install while we waited for the lock.
    if (await isInstalled(dir, wanted)) return venv;
    const started = Date.now();
    log(`installing ${options.requirements.join(' ')} into ${dir} (takes minutes the first time)`);
    await rm(dir, { recursive: true, force: true }); // a half-made or outdated venv is not worth repairing
    await run(python, ['-m', 'venv', dir]);
    await run(venv.bin('python'), [
      '-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', ...options.requirements,
    ]);
    await writeFile(join(dir, MARKER), wanted); // written last: its presence means the install finished
    log(`installed ${options.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return venv;
  } finally {
    await release();
  }
}

async function isInstalled(dir: string, wanted: string): Promise<boolean> {
  const marker = await readFile(join(dir, MARKER), 'utf8').catch(() => undefined);
  return marker === wanted && existsSync(join(dir, 'bin', 'python'));
}

/** A lock file holding the owner's pid; one left by a dead process is taken over. */
async function acquireLock(path: string, timeoutMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && !isAlive(owner)) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path} (held by pid ${owner})`);
    if (!announced) log(`waiting for pid ${owner}, which is installing into the same venv`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs a command, copying its output to stderr as progress; fails with the output's tail. */
function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const onData = (chunk: Buffer): void => {
      process.stderr.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4_000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${tail}`));
    });
  });
}

// Long-running local servers (Label Studio, redis, emulators) started by tests and the demo.
// Each runs in its own process group so stop() takes its children along, and a watchdog
// ends the group when this Node process dies in any way (even SIGKILL), so no server leaks.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';

export interface LocalProcess {
  readonly pid: number;
  /** Last lines the process printed (stdout and stderr interleaved). */
  logTail(lines?: number): string;
  /** Whole output so far. */
  log(): string;
  /** Resolves with the exit code (or signal name) once the process group leader has exited. */
  readonly exited: Promise<number | string>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** SIGTERM the whole group, SIGKILL after graceMs; resolves when it is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

interface Unrefable {
  unref(): void;
}

export interface StartOptions {
  /** Short name used in log prefixes and errors. */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Removed (recursively) when the process is stopped or this Node process exits. */
  cleanupPaths?: readonly string[];
  /** Copy the output to this process's stderr as it arrives. */
  echo?: boolean;
  /** A command the caller waits to finish (not a server): it keeps Node running until it exits. */
  oneShot?: boolean;
}

// The shell keeps our pipe on fd 3; when it reaches EOF (we exited or died) it kills its own group.
// When the server exits by itself the shell also ends the group (the watcher, any server children)
// and passes the server's exit code on. The server gets /dev/null as stdin so it never waits for input.
const WATCHDOG = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- & server=$!',
  '(cat <&3 >/dev/null; kill -TERM 0) &',
  'wait $server; code=$?',
  "trap '' TERM; kill -TERM 0 2>/dev/null; exit $code",
].join('\n');

const live = new Set<{ pgid: number; paths: readonly string[] }>();
let exitHookInstalled = false;

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const cleanupAll = (): void => {
    for (const entry of live) {
      killGroup(entry.pgid, 'SIGKILL');
      for (const path of entry.paths) rmSync(path, { recursive: true, force: true });
    }
    live.clear();
  };
  process.on('exit', cleanupAll);
  // A signal's default action skips 'exit' handlers: clean up, then re-raise it. When another listener
  // has taken charge of the signal (the CLI cancelling its workflow, a worker's graceful shutdown), the
  // servers stay up until the process exits: the embedded Temporal server must outlive the cancellation.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      if (process.listenerCount(signal) > 0) return;
      cleanupAll();
      process.kill(process.pid, signal);
    });
  }
}

export function startLocalProcess(options: StartOptions): LocalProcess {
  installExitHook();
  const child: ChildProcess = spawn('/bin/sh', ['-c', WATCHDOG, 'watchdog', options.command, ...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true, // own process group, led by the watchdog shell
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${options.name}: could not spawn ${options.command}`);
  const pgid = child.pid;
  const entry = { pgid, paths: options.cleanupPaths ?? [] };
  live.add(entry);

  let output = '';
  let echoed = 0; // how much of `output` went to stderr: only whole lines are echoed
  const maxOutput = 1_000_000;
  const onData = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (options.echo) {
      const end = output.lastIndexOf('\n') + 1;
      if (end > echoed) {
        for (const line of output.slice(echoed, end - 1).split('\n')) process.stderr.write(`[${options.name}] ${line}\n`);
        echoed = end;
      }
    }
    if (output.length > 2 * maxOutput) {
      const cut = output.length - maxOutput;
      output = output.slice(cut);
      echoed = Math.max(0, echoed - cut);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.stdin?.on('error', () => undefined);

  let exitedFlag = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve(code ?? signal ?? 'unknown');
    });
  });
  // A forgotten stop() must not keep Node alive: the exit hook and the watchdog end the server then.
  if (!options.oneShot) {
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Unrefable | null)?.unref();
  }

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 5_000): Promise<void> => {
    stopping ??= (async () => {
      killGroup(pgid, 'SIGTERM');
      if (!(await waitGroupGone(pgid, graceMs))) {
        killGroup(pgid, 'SIGKILL');
        await waitGroupGone(pgid, 2_000); // zombies nobody reaps would otherwise keep us here forever
      }
      for (const path of entry.paths) rmSync(path, { recursive: true, force: true });
      live.delete(entry);
    })();
    return stopping;
  };

  return {
    pid: pgid,
    log: () => output,
    logTail: (lines = 40) => output.split('\n').slice(-lines).join('\n'),
    exited,
    hasExited: () => exitedFlag,
    stop,
  };
}

/** A loopback TCP port that was free a moment ago (the caller must still check it got it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}

/**
 * Polls `probe` until it returns true (a probe that throws ends the wait with its error). Fails early
 * when the process exits, and on timeout; both errors carry the process's log tail, to show why.
 */
export async function waitUntilReady(
  proc: LocalProcess,
  name: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.hasExited()) {
      throw new Error(`${name} exited (${String(await proc.exited)}) before it was ready. Log tail:\n${proc.logTail()}`);
    }
    if (await probe()) return;
    if (Date.now() > deadline) {
      throw new Error(`${name} not ready after ${Math.round(timeoutMs / 1000)} s. Log tail:\n${proc.logTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

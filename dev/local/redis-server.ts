// A throwaway redis-server on a free loopback port: the target of Label Studio's redis export storage.
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { freeLoopbackPort, startLocalProcess, waitUntilReady } from '../../src/local/child-process';

export interface RunningRedis {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Give up when it does not answer PING within this time; default 20 s. */
  startTimeoutMs?: number;
}

/** Starts Debian's redis-server, installing the package first when it is missing and we are root. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RunningRedis> {
  const binary = ensureRedisServerBinary();
  const host = '127.0.0.1';
  const port = await freeLoopbackPort();
  // No config file: everything on the command line, nothing written to disk.
  const proc = startLocalProcess({
    name: 'redis',
    command: binary,
    args: ['--bind', host, '--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no',
      '--protected-mode', 'no', '--dir', '/tmp'],
  });
  try {
    await waitUntilReady(proc, `redis-server on ${host}:${port}`, async () => (await redisCommand(port, ['PING'], { host, timeoutMs: 1_000 }).catch(() => null)) === 'PONG', options.startTimeoutMs ?? 20_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { host, port, stop: () => proc.stop() };
}

function which(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

function ensureRedisServerBinary(): string {
  const existing = which('redis-server') ?? which('/usr/bin/redis-server');
  if (existing) return existing;
  if (process.getuid?.() !== 0) {
    throw new Error('redis-server is not installed; install it (Debian: sudo apt-get install -y redis-server) and retry');
  }
  process.stderr.write('[redis] redis-server missing: apt-get install -y redis-server\n');
  // RUNLEVEL=1 makes invoke-rc.d skip starting the packaged daemon on port 6379: we only want the binary.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
  const install = (): number | null =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { env, stdio: ['ignore', 2, 2] }).status;
  if (install() !== 0) {
    // Usually a missing or stale package list.
    spawnSync('apt-get', ['update'], { env, stdio: ['ignore', 2, 2] });
    if (install() !== 0) throw new Error('apt-get install -y redis-server failed (see the output above)');
  }
  const installed = which('redis-server');
  if (!installed) throw new Error('apt-get installed redis-server but the binary is not on PATH');
  return installed;
}

/** A reply of the redis protocol (RESP2): simple strings, integers, bulk strings (null when absent), arrays. */
export type RedisReply = string | number | null | RedisReply[];

export interface RedisCommandOptions {
  host?: string;
  /** Database to SELECT first (Label Studio's redis export storage writes to db 2 by default). */
  db?: number;
  timeoutMs?: number;
}

/**
 * Sends one command on a fresh connection and returns its reply: enough for tests to look at what
 * Label Studio wrote, without a redis client dependency. An error reply rejects.
 */
export function redisCommand(port: number, args: readonly string[], options: RedisCommandOptions = {}): Promise<RedisReply> {
  const { host = '127.0.0.1', db, timeoutMs = 5_000 } = options;
  const commands = db === undefined ? [args] : [['SELECT', String(db)], args];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    const finish = (error: Error | undefined, reply?: RedisReply): void => {
      socket.destroy();
      if (error) reject(error);
      else resolve(reply ?? null);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`redis ${args[0]}: no reply within ${timeoutMs} ms`)));
    socket.once('error', (error) => finish(error));
    socket.once('connect', () => {
      for (const command of commands) {
        const parts = command.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
        socket.write(`*${command.length}\r\n${parts.join('')}`);
      }
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        let reply: { value: RedisReply; next: number } | undefined = { value: null, next: 0 };
        for (let i = 0; i < commands.length && reply; i++) reply = parseReply(received, reply.next);
        if (reply) finish(undefined, reply.value); // the last command's reply
      } catch (error) {
        finish(error as Error);
      }
    });
  });
}

/** Parses one reply at `offset`; undefined when more bytes are needed. */
function parseReply(buffer: Buffer, offset: number): { value: RedisReply; next: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (String.fromCharCode(buffer[offset] ?? 0)) {
    case '+':
      return { value: line, next: afterLine };
    case '-':
      throw new Error(`redis error: ${line}`);
    case ':':
      return { value: Number(line), next: afterLine };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next: afterLine };
      if (buffer.length < afterLine + length + 2) return undefined;
      return { value: buffer.toString('utf8', afterLine, afterLine + length), next: afterLine + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next: afterLine };
      const items: RedisReply[] = [];
      let next = afterLine;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`redis: unexpected reply ${JSON.stringify(line)}`);
  }
}

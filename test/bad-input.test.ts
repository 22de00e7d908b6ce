import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ApplicationFailure, type Client, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidScheduleError } from '../src/client/invalid-schedule';
import { startProjectSync } from '../src/client/project-sync-client';
import { compileSyncSchedule, type CreateSyncScheduleOptions } from '../src/client/schedules';
import { startStorageSync } from '../src/client/sync-client';
import { runCli } from '../src/cli/main';
import { ConfigError } from '../src/config/config-error';
import { loadLabelStudioConnections } from '../src/config/label-studio-connections';
import { FailureType } from '../src/failure-types';
import { LabelStudioClient } from '../src/labelstudio/client';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../src/labelstudio/retry-after';
import { createWebhookReceiver, type WebhookReceiver } from '../src/webhooks';
import { runCli as spawnCli } from './helpers/run-cli';
import { rememberSecret } from './helpers/secrets';
import { labelStudioConnection, startTestWorker, type TestTemporal } from './helpers/temporal';

/**
 * Every public input fed something wrong: each case names the typed error (or HTTP status / exit
 * code) it must end in, and its output must hold no stack trace and no secret. Most cases run
 * in-process; a few spawn the real CLI and worker to show the same holds for the processes.
 */
const ROOT = join(__dirname, '..');
const SECRET_KEY = `bad-input-key-${randomUUID()}`;
const SECRET_HOST = `secret-${randomUUID().slice(0, 8)}.example.com`;
const WEBHOOK_SECRET = randomBytes(24).toString('hex');
rememberSecret(SECRET_KEY, SECRET_HOST);
rememberSecret(WEBHOOK_SECRET);
const SECRETS = [SECRET_KEY, SECRET_HOST, WEBHOOK_SECRET];

let counted = 0;
afterAll(() => console.log(`bad-input suite: ${counted} cases`));

/** No stack trace, no secret: what every answer to bad input must satisfy. */
function expectClean(text: string): void {
  expect(text).not.toMatch(/\n\s+at .+:\d+/);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

/** A client that must never be reached: the checks refuse the input before any call. It has `workflow` for the receiver's option check. */
const unreachable = new Proxy({}, { has: (_, key) => key === 'workflow', get: () => { throw new Error('the client was called: the input was not refused first'); } }) as Client;

const storage = (extra: Record<string, unknown> = {}) => ({ storageType: 's3', storageId: 1, ...extra });
const project = (extra: Record<string, unknown> = {}) => ({ project: 7, ...extra });

type Thrower = () => unknown;

function thrownBy(call: Thrower): unknown {
  try {
    call();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

/** [what, call, field, message]: the call must throw ApplicationFailure InvalidInput naming `field`. */
const invalidInputCases: [string, Thrower, string, RegExp][] = [
  ['a misspelt policy key', () => startStorageSync(unreachable, storage({ policy: { maxAtempts: 5 } }) as never), 'policy.maxAtempts', /did you mean maxAttempts\?/],
  ['a misspelt top-level key', () => startStorageSync(unreachable, { storageType: 's3', storageID: 1 } as never), 'storageID', /did you mean storageId\?/],
  ['policy: null', () => startStorageSync(unreachable, storage({ policy: null }) as never), 'policy', /must be an object \(got null\)/],
  ['no input at all', () => startStorageSync(unreachable, null as never), 'input', /must be an object/],
  ['an unknown storage type', () => startStorageSync(unreachable, storage({ storageType: 'ftp' }) as never), 'storageType', /must be one of gcs_sa, gcs/],
  ['storage id 0', () => startStorageSync(unreachable, storage({ storageId: 0 }) as never), 'storageId', /positive integer/],
  ['a storage id as text', () => startStorageSync(unreachable, storage({ storageId: '5' }) as never), 'storageId', /positive integer \(got "5"\)/],
  ['a missing storage id', () => startStorageSync(unreachable, { storageType: 's3' } as never), 'storageId', /is missing/],
  ['timeout: 1e308', () => startStorageSync(unreachable, storage({ policy: { timeout: 1e308 } }) as never), 'policy.timeout', /at most 30d/],
  ['timeout: 100000000000d', () => startStorageSync(unreachable, storage({ policy: { timeout: '100000000000d' } }) as never), 'policy.timeout', /at most 30d/],
  ['a poll below the server floor', () => startStorageSync(unreachable, storage({ policy: { poll: { initial: '100ms', max: '1s' } } }) as never), 'policy.poll.initial', /at least 1s: the Temporal server/],
  ['an unreadable duration', () => startStorageSync(unreachable, storage({ policy: { poll: { initial: 'soon' } } }) as never), 'policy.poll.initial', /must be a duration/],
  ['poll.max below poll.initial', () => startStorageSync(unreachable, storage({ policy: { poll: { initial: '5s', max: '2s' } } }) as never), 'policy.poll.max', /not be below initial/],
  ['a shrinking backoff', () => startStorageSync(unreachable, storage({ policy: { poll: { coefficient: 0.5 } } }) as never), 'policy.poll.coefficient', /from 1 to 100/],
  ['a retry backoff of days', () => startStorageSync(unreachable, storage({ policy: { retryBackoff: { initial: '2d', max: '3d' } } }) as never), 'policy.retryBackoff.initial', /at most 1d/],
  ['a negative stall timeout', () => startStorageSync(unreachable, storage({ policy: { stallTimeout: -5 } }) as never), 'policy.stallTimeout', /must be a duration/],
  ['an unknown onCompletedWithErrors', () => startStorageSync(unreachable, storage({ policy: { onCompletedWithErrors: 'ignore' } }) as never), 'policy.onCompletedWithErrors', /fail, warn, retry/],
  ['an unknown verifyTarget', () => startStorageSync(unreachable, storage({ policy: { verifyTarget: 'always' } }) as never), 'policy.verifyTarget', /off, warn, strict/],
  ['attachToRunning as text', () => startStorageSync(unreachable, storage({ policy: { attachToRunning: 'yes' } }) as never), 'policy.attachToRunning', /true or false/],
  ['an upper-case connection', () => startStorageSync(unreachable, storage({ connection: 'Prod' }) as never), 'connection', /connection name/],
  ['1000 attempts', () => startStorageSync(unreachable, storage({ policy: { maxAttempts: 1000 } }) as never), 'policy.maxAttempts', /from 1 to 100/],
  ['an unbalanced title pattern', () => startProjectSync(unreachable, project({ titlePattern: '(' }) as never), 'titlePattern', /not a valid RE2 regular expression/],
  ['a lookahead', () => startProjectSync(unreachable, project({ titlePattern: 'nightly(?=-eu)' }) as never), 'titlePattern', /lookarounds and backreferences/],
  ['a backreference', () => startProjectSync(unreachable, project({ titlePattern: '(a)\\1' }) as never), 'titlePattern', /not a valid RE2/],
  ['a 600-character pattern', () => startProjectSync(unreachable, project({ titlePattern: 'x'.repeat(600) }) as never), 'titlePattern', /at most 500 characters/],
  ['concurrency 0', () => startProjectSync(unreachable, project({ concurrency: 0 }) as never), 'concurrency', /from 1 to 50/],
  ['concurrency 51', () => startProjectSync(unreachable, project({ concurrency: 51 }) as never), 'concurrency', /from 1 to 50/],
  ['a negative project', () => startProjectSync(unreachable, project({ project: -3 }) as never), 'project', /positive integer/],
  ['no types', () => startProjectSync(unreachable, project({ types: [] }) as never), 'types', /non-empty list/],
  ['an unknown type in the list', () => startProjectSync(unreachable, project({ types: ['s3', 'ftp'] }) as never), 'types[1]', /must be one of/],
  ['a storage selector with a text id', () => startProjectSync(unreachable, project({ storages: [{ type: 's3', id: 'x' }] }) as never), 'storages[0].id', /positive integer/],
  ['a storage selector with an extra key', () => startProjectSync(unreachable, project({ storages: [{ type: 's3', id: 1, title: 'a' }] }) as never), 'storages[0].title', /not a known field/],
  ['an unknown failOn', () => startProjectSync(unreachable, project({ failOn: 'some' }) as never), 'failOn', /any, none/],
  ['a misspelt titlePattern', () => startProjectSync(unreachable, project({ titlePatern: 'a' }) as never), 'titlePatern', /did you mean titlePattern\?/],
  ['a fan-out poll below the floor', () => startProjectSync(unreachable, project({ policy: { poll: { initial: '500ms' } } }) as never), 'policy.poll.initial', /at least 1s/],
  ['a fan-out policy typo', () => startProjectSync(unreachable, project({ policy: { timout: '1h' } }) as never), 'policy.timout', /did you mean timeout\?/],
  ['a pipeline quiet period of weeks', () => receiverWith({ quietPeriod: '2 weeks' }), 'quietPeriod', /at most 1d/],
  ['a pipeline downstream without a type', () => receiverWith({ downstream: { workflowType: ' ', taskQueue: 'q' } }), 'downstream.workflowType', /name a workflow type/],
  ['a pipeline downstream when', () => receiverWith({ downstream: { workflowType: 'train', taskQueue: 'q', when: 'sometimes' } }), 'downstream.when', /all-succeeded, any-succeeded, always/],
  ['zero batches per run', () => receiverWith({ batchesPerRun: 0 }), 'batchesPerRun', /from 1 to 10000/],
  ['a pipeline sync typo', () => receiverWith({ sync: { titlePatern: 'a' } }), 'sync.titlePatern', /did you mean titlePattern\?/],
  ['a pipeline option typo', () => receiverWith({ quietPeriode: '5s' }), 'quietPeriode', /did you mean quietPeriod\?/],
  ['a base URL without scheme', () => new LabelStudioClient({ baseUrl: 'ls.example.com', apiKey: SECRET_KEY }), 'baseUrl', /include the scheme, e\.g\. https:\/\//],
  ['a base URL of another scheme', () => new LabelStudioClient({ baseUrl: `ftp://${SECRET_HOST}`, apiKey: SECRET_KEY }), 'baseUrl', /has scheme ftp:/],
  ['an empty API key', () => new LabelStudioClient({ baseUrl: `https://${SECRET_HOST}`, apiKey: '' }), 'apiKey', /access token/],
  ['a zero response timeout', () => new LabelStudioClient({ baseUrl: `https://${SECRET_HOST}`, apiKey: SECRET_KEY, responseTimeoutMs: 0 }), 'responseTimeoutMs', /whole number from 1/],
  ['a read timeout of hours', () => new LabelStudioClient({ baseUrl: `https://${SECRET_HOST}`, apiKey: SECRET_KEY, readTimeoutMs: 3_600_000 }), 'readTimeoutMs', /whole number from 1 to 600000/],
  ['a connect timeout of years', () => new LabelStudioClient({ baseUrl: `https://${SECRET_HOST}`, apiKey: SECRET_KEY, connectTimeoutMs: 1e12 }), 'connectTimeoutMs', /whole number from 1/],
  ['a misspelt client option', () => new LabelStudioClient({ baseURL: `https://${SECRET_HOST}`, apiKey: SECRET_KEY } as never), 'baseURL', /did you mean baseUrl\?/],
];

function receiverWith(pipeline: Record<string, unknown>): WebhookReceiver {
  return createWebhookReceiver({ client: unreachable, secret: WEBHOOK_SECRET, pipeline: pipeline as never });
}

const schedule = (change: Record<string, unknown>): CreateSyncScheduleOptions =>
  ({ scheduleId: 'bad-input', target: { kind: 'project', input: { project: 7 } }, spec: { cron: '0 3 * * *' }, ...change }) as CreateSyncScheduleOptions;

/** [what, options, field, message]: compileSyncSchedule must throw InvalidScheduleError naming `field`. */
const scheduleCases: [string, CreateSyncScheduleOptions, string, RegExp][] = [
  ['a cron on 30 February', schedule({ spec: { cron: '0 3 30 2 *' } }), 'spec.cron[0]', /never runs: day 30 does not occur in February/],
  ['a cron on 31 April', schedule({ spec: { cron: '0 3 31 APR *' } }), 'spec.cron[0]', /day 31 does not occur in April/],
  ['a cron on the 31st of the short months', schedule({ spec: { cron: '0 3 31 4,6,9,11 *' } }), 'spec.cron[0]', /never runs/],
  ['a cron on 29 February of a common year', schedule({ spec: { cron: '0 3 29 2 * 2027' } }), 'spec.cron[0]', /leap years/],
  ['a calendar on 30 February', schedule({ spec: { calendars: [{ dayOfMonth: 30, month: 'FEBRUARY' }] } }), 'spec.calendars[0].dayOfMonth', /never runs/],
  ['a calendar on 31 April and June', schedule({ spec: { calendars: [{ dayOfMonth: 31, month: ['APRIL', 'JUNE'] }] } }), 'spec.calendars[0].dayOfMonth', /April, June/],
  ['a misspelt calendar field', schedule({ spec: { calendars: [{ dayOfMonht: 3 }] } }), 'spec.calendars[0].dayOfMonht', /did you mean dayOfMonth\?/],
  ['a misspelt spec field', schedule({ spec: { crons: '0 3 * * *' } }), 'spec.crons', /did you mean cron\?/],
  ['a misspelt schedule option', schedule({ overlapp: 'skip' }), 'overlapp', /did you mean overlap\?/],
  ['a catch-up window of 1s', schedule({ catchupWindow: '1s' }), 'catchupWindow', /at least 10s/],
  ['a jitter of 2 days', schedule({ spec: { cron: '0 3 * * *', jitter: '2d' } }), 'spec.jitter', /at most 1d/],
  ['an unknown time zone', schedule({ spec: { cron: '0 3 * * *', timezone: 'Mars/Base' } }), 'spec.timezone', /IANA time zone/],
  ['minute 61', schedule({ spec: { cron: '61 * * * *' } }), 'spec.cron[0]', /minute field/],
  ['a schedule id with a space', schedule({ scheduleId: 'my schedule' }), 'scheduleId', /without spaces/],
  ['a storage target with a policy typo', schedule({ target: { kind: 'storage', input: storage({ policy: { maxAtempts: 2 } }) } }), 'target.input.policy.maxAtempts', /did you mean maxAttempts\?/],
  ['a project target with a catastrophic pattern', schedule({ target: { kind: 'project', input: project({ titlePattern: '^(a+)+$(?=b)' }) } }), 'target.input.titlePattern', /RE2/],
  ['a project target with a sub-second poll', schedule({ target: { kind: 'project', input: project({ policy: { poll: { initial: 200 } } }) } }), 'target.input.policy.poll.initial', /at least 1s/],
];

const env = (extra: Record<string, string>) => ({ LABEL_STUDIO_URL: `https://${SECRET_HOST}`, LABEL_STUDIO_API_KEY: SECRET_KEY, ...extra });

/** [what, environment, message]: loadLabelStudioConnections must throw ConfigError with this text. */
const environmentCases: [string, Record<string, string>, RegExp][] = [
  ['nothing set', {}, /^LABEL_STUDIO_URL: not set\. Set it to the Label Studio base URL/],
  ['no API key', { LABEL_STUDIO_URL: `https://${SECRET_HOST}` }, /^LABEL_STUDIO_API_KEY: not set/],
  ['a blank API key', { LABEL_STUDIO_URL: `https://${SECRET_HOST}`, LABEL_STUDIO_API_KEY: '   ' }, /^LABEL_STUDIO_API_KEY: not set/],
  ['a URL without scheme', env({ LABEL_STUDIO_URL: SECRET_HOST }), /^LABEL_STUDIO_URL: is not a URL: include the scheme/],
  ['a URL of another scheme', env({ LABEL_STUDIO_URL: `ftp://${SECRET_HOST}` }), /^LABEL_STUDIO_URL: has scheme ftp:/],
  ['a negative connect timeout', env({ LABEL_STUDIO_CONNECT_TIMEOUT_MS: '-1' }), /^LABEL_STUDIO_CONNECT_TIMEOUT_MS: is not a whole number from 1 to 600000/],
  ['a response timeout in exponent form', env({ LABEL_STUDIO_RESPONSE_TIMEOUT_MS: '1e12' }), /^LABEL_STUDIO_RESPONSE_TIMEOUT_MS: is not a whole number/],
  ['a response timeout of years', env({ LABEL_STUDIO_RESPONSE_TIMEOUT_MS: '99999999999' }), /^LABEL_STUDIO_RESPONSE_TIMEOUT_MS: is not a whole number from 1 to 3600000/],
  ['a read timeout of an hour', env({ LABEL_STUDIO_READ_TIMEOUT_MS: '3600000' }), /^LABEL_STUDIO_READ_TIMEOUT_MS: is not a whole number from 1 to 600000\. Give milliseconds/],
  ['a bad connection name', env({ LABEL_STUDIO_CONNECTIONS: 'EU!' }), /^LABEL_STUDIO_CONNECTIONS: holds a name that is not a valid connection name/],
  ['a named connection without its URL', env({ LABEL_STUDIO_CONNECTIONS: 'eu' }), /^LABEL_STUDIO_EU_URL: not set/],
  ['a named connection without its key', env({ LABEL_STUDIO_CONNECTIONS: 'eu-west', LABEL_STUDIO_EU_WEST_URL: `https://${SECRET_HOST}` }), /^LABEL_STUDIO_EU_WEST_API_KEY: not set/],
  ['a named connection URL without scheme', env({ LABEL_STUDIO_CONNECTIONS: 'eu', LABEL_STUDIO_EU_URL: SECRET_HOST, LABEL_STUDIO_EU_API_KEY: SECRET_KEY }), /^LABEL_STUDIO_EU_URL: is not a URL/],
];

describe('bad input to the client API', () => {
  it.each(invalidInputCases)('refuses %s with InvalidInput naming the field', async (_what, call, field, message) => {
    counted += 1;
    const err = await Promise.resolve().then(call).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe(FailureType.InvalidInput);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.details?.[0]).toEqual({ field });
    expect(failure.message).toMatch(message);
    expectClean(failure.message);
  });

  it.each(scheduleCases)('refuses a schedule with %s, naming the field', (_what, options, field, message) => {
    counted += 1;
    const err = thrownBy(() => compileSyncSchedule(options));
    expect(err).toBeInstanceOf(InvalidScheduleError);
    expect((err as InvalidScheduleError).field).toBe(field);
    expect((err as InvalidScheduleError).message).toMatch(message);
    expectClean((err as Error).message);
  });

  it('caps a Retry-After of a day at 5 minutes', () => {
    counted += 1;
    expect(parseRetryAfter('86400')).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter(new Date(Date.now() + 86_400_000).toUTCString())).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('7')).toBe(7_000);
  });
});

describe('bad input in the worker environment', () => {
  it.each(environmentCases)('refuses %s with a ConfigError naming the variable', (_what, vars, message) => {
    counted += 1;
    const err = thrownBy(() => loadLabelStudioConnections(vars));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(message);
    expectClean((err as Error).message);
  });

  // The processes: exit 5 (configuration, as every command) with one line, whether a variable is missing or malformed (and holds a secret).
  it.each([
    ['missing', {}, /^configuration error: LABEL_STUDIO_URL: not set\./],
    ['malformed', { LABEL_STUDIO_URL: SECRET_HOST, LABEL_STUDIO_API_KEY: SECRET_KEY }, /^configuration error: LABEL_STUDIO_URL: is not a URL: include the scheme/],
  ])('the worker process exits 5 with one line when a variable is %s', async (_what, vars, line) => {
    counted += 1;
    const run = await spawnWorker(vars);
    expect(run.code).toBe(5);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(line);
    expectClean(run.stderr + run.stdout);
  });
});

function spawnWorker(vars: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', join(ROOT, 'src', 'worker.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...vars },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** [what, argv after the program name, exit code, stderr pattern]. */
const cliCases: [string, string[], number, RegExp][] = [
  ['an unknown storage type', ['sync', 'ftp', '1'], 3, /storageType must be one of/],
  ['storage id 0', ['sync', 's3', '0'], 3, /whole number of at least 1/],
  ['a timeout of 100000000000 days', ['sync', 's3', '1', '--timeout', '100000000000d'], 3, /policy\.timeout must be at most 30d/],
  ['a poll below the floor', ['sync', 's3', '1', '--poll-initial', '100ms'], 3, /policy\.poll\.initial must be at least 1s/],
  ['zero attempts', ['sync', 's3', '1', '--max-attempts', '0'], 3, /policy\.maxAttempts must be a whole number from 1 to 100/],
  ['a coefficient that is not a number', ['sync', 's3', '1', '--poll-coefficient', 'abc'], 3, /policy\.poll\.coefficient/],
  ['an unknown flag', ['sync', 's3', '1', '--max-atempts', '2'], 3, /unknown option '--max-atempts'/],
  ['an unbalanced title pattern', ['sync-project', '7', '--title-pattern', '^(a+'], 3, /titlePattern is not a valid RE2 regular expression/],
  ['a lookahead title pattern', ['sync-project', '7', '--title-pattern', 'x(?=y)'], 3, /lookarounds and backreferences are not supported/],
  ['concurrency 0', ['sync-project', '7', '--concurrency', '0'], 3, /concurrency must be a whole number from 1 to 50/],
  ['a project that is not a number', ['sync-project', 'seven'], 3, /project must be a positive integer/],
  ['a storage selector with a text id', ['sync-project', '7', '--storage', 's3:abc'], 3, /storages\[0\]\.id must be a positive integer/],
  ['a schedule on 30 February', ['schedule', 'create', 'n', '--project', '7', '--cron', '0 3 30 2 *'], 3, /never runs: day 30 does not occur in February/],
  ['a calendar on 31 April', ['schedule', 'create', 'n', '--project', '7', '--calendar', '{"dayOfMonth":31,"month":"APRIL"}'], 3, /day 31 does not occur in April/],
  ['a calendar that is not JSON', ['schedule', 'create', 'n', '--project', '7', '--calendar', 'hour=3'], 3, /--calendar #1 is not JSON/],
  ['a tiny catch-up window', ['schedule', 'create', 'n', '--project', '7', '--cron', '0 3 * * *', '--catchup-window', '1s'], 3, /catchupWindow must be at least 10s/],
  ['a schedule jitter of a week', ['schedule', 'create', 'n', '--project', '7', '--cron', '0 3 * * *', '--jitter', '7d'], 3, /spec\.jitter must be at most 1d/],
  ['a schedule with a sub-second poll', ['schedule', 'create', 'n', '--storage', 's3:1', '--cron', '@daily', '--poll-initial', '10ms'], 3, /target\.input\.policy\.poll\.initial must be at least 1s/],
  ['webhooks without a secret', ['webhooks', 'serve'], 5, /LABEL_STUDIO_WEBHOOK_SECRET: not set/],
  ['webhooks with a quiet period of days', ['webhooks', 'serve', '--quiet-period', '2d'], 3, /quietPeriod must be at most 1d/],
  ['webhooks with a catastrophic title pattern', ['webhooks', 'serve', '--title-pattern', '(a|a)*\\1'], 3, /sync\.titlePattern is not a valid RE2/],
  // Before, a recursive mkdir under /proc spun forever; now the path is checked before Temporal is reached.
  ['webhooks with a journal under /proc', ['webhooks', 'serve', '--journal', '/proc/1/x'], 3, /--journal "\/proc\/1\/x" cannot be used as the journal directory \(E[A-Z]+\)/],
  ['webhooks with a journal under a file', ['webhooks', 'serve', '--journal', `${__filename}/journal`], 3, /cannot be used as the journal directory \(ENOTDIR\)/],
];

/** Runs the CLI in this process: its exit code and what it wrote. */
async function cliInProcess(args: string[], vars: Record<string, string> = {}): Promise<{ code: number; stderr: string; stdout: string }> {
  const [writeErr, writeOut] = [process.stderr.write, process.stdout.write];
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  let [stderr, stdout] = ['', ''];
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  Object.assign(process.env, vars);
  try {
    const code = await runCli(['node', 'label-studio-temporal', ...args]);
    return { code, stderr, stdout };
  } finally {
    [process.stderr.write, process.stdout.write] = [writeErr, writeOut];
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v);
    process.exitCode = undefined;
  }
}

describe('bad input to the CLI', () => {
  it.each(cliCases)('refuses %s with its exit code and one reason', async (_what, args, code, reason) => {
    counted += 1;
    const vars: Record<string, string> = args[0] === 'webhooks' && !/without a secret/.test(_what) ? { LABEL_STUDIO_WEBHOOK_SECRET: WEBHOOK_SECRET } : {};
    const run = await cliInProcess(args, vars);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(reason);
    expect(run.stdout).toBe('');
    expectClean(run.stderr);
  });

  // The real binary, spawned: the same codes and a single error line (commander usage errors add help).
  it.each([
    ['a misspelt storage type', ['sync', 's4', '1'], 3, /^error: invalid input: storageType must be one of/],
    ['an impossible cron', ['schedule', 'create', 'n', '--project', '7', '--cron', '0 0 31 2 *'], 3, /^error: invalid schedule: spec\.cron\[0\] "0 0 31 2 \*" never runs/],
    ['a catastrophic title pattern', ['sync-project', '7', '--title-pattern', '^(a+)+$(?<=a)'], 3, /^error: invalid input: titlePattern is not a valid RE2/],
  ] as const)('the spawned CLI refuses %s', async (_what, args, code, line) => {
    counted += 1;
    const run = await spawnCli([...args], {});
    expect(run.code).toBe(code);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(line);
    expectClean(run.stderr);
  });
});

describe('bad requests to the webhook receiver', () => {
  let receiver: WebhookReceiver;
  let url: string;
  beforeAll(async () => {
    receiver = createWebhookReceiver({ client: unreachable, secret: WEBHOOK_SECRET, maxBodyBytes: 1024 });
    url = await receiver.listen(0, '127.0.0.1');
  });
  afterAll(() => receiver?.close());

  const event = JSON.stringify({ action: 'ANNOTATION_CREATED', project: { id: 3 }, annotation: { id: 1 } });
  const ok = { 'x-webhook-secret': WEBHOOK_SECRET };
  /** [what, method, headers, body, path, status]. Nothing here reaches Temporal (the client would throw). */
  const requests: [string, string, Record<string, string>, string | undefined, string, number][] = [
    ['no secret header', 'POST', {}, event, '/', 401],
    ['a wrong secret', 'POST', { 'x-webhook-secret': 'x'.repeat(48) }, event, '/', 401],
    ['a secret of another length', 'POST', { 'x-webhook-secret': WEBHOOK_SECRET.slice(1) }, event, '/', 401],
    ['the secret in another header', 'POST', { authorization: `Bearer ${WEBHOOK_SECRET}` }, event, '/', 401],
    ['a body that is not JSON', 'POST', ok, '{"action":', '/', 400],
    ['a JSON list', 'POST', ok, '[1,2]', '/', 400],
    ['no action', 'POST', ok, JSON.stringify({ project: { id: 3 } }), '/', 400],
    ['an unknown action', 'POST', ok, JSON.stringify({ action: 'PROJECT_DELETED', project: { id: 3 } }), '/', 400],
    ['no project anywhere', 'POST', ok, JSON.stringify({ action: 'ANNOTATION_CREATED' }), '/', 400],
    ['a project query that is not an id', 'POST', ok, JSON.stringify({ action: 'ANNOTATION_CREATED' }), '/?project=abc', 400],
    ['body and URL naming different projects', 'POST', ok, event, '/?project=4', 400],
    ['an oversized body', 'POST', ok, JSON.stringify({ action: 'ANNOTATION_CREATED', project: { id: 3 }, pad: 'x'.repeat(4096) }), '/', 413],
    ['a GET', 'GET', ok, undefined, '/', 405],
    ['a body that is not JSON by its Content-Type', 'POST', { ...ok, 'content-type': 'text/plain' }, event, '/', 415],
    ['a form', 'POST', { ...ok, 'content-type': 'application/x-www-form-urlencoded' }, 'action=ANNOTATION_CREATED', '/', 415],
    ['a body nested 100 levels deep', 'POST', ok, `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`, '/', 400],
  ];

  it.each(requests)('answers %s with its status and no secret', async (_what, method, headers, body, path, status) => {
    counted += 1;
    const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await res.text();
    expect(res.status).toBe(status);
    expectClean(text);
  });
});

describe('bad input that reaches the workflows directly', () => {
  let t: TestTemporal;
  beforeAll(async () => {
    t = await startTestWorker([labelStudioConnection('bad-input', `http://${SECRET_HOST}:9`, SECRET_KEY)]);
  });
  afterAll(() => t?.close());

  // Started without the client's checks (as any Temporal client can): the workflow's own schema
  // fails it as InvalidInput, and the worker goes on to take the next case.
  it.each([
    ['syncExportStorage', { connection: 'bad-input', storageType: 's3', storageId: 1, policy: { maxAtempts: 5 } }, /policy\.maxAtempts is not a known field: did you mean maxAttempts\?/],
    ['syncExportStorage', { connection: 'bad-input', storageType: 's3', storageId: 1, policy: null }, /policy must be an object/],
    ['syncExportStorage', { connection: 'bad-input', storageType: 's3', storageId: 1, policy: { timeout: '100000000000d' } }, /policy\.timeout must be at most 30d/],
    ['syncProjectExports', { connection: 'bad-input', project: 1, titlePattern: '^(a+)+$(?=b)' }, /titlePattern is not a valid RE2/],
    ['syncProjectExports', { connection: 'bad-input', project: 1, storageID: 3 }, /storageID is not a known field/],
    ['annotationPipeline', { connection: 'bad-input', project: 1, quietPeriod: '2 weeks' }, /quietPeriod must be at most 1d/],
  ])('%s fails InvalidInput without crashing the worker (%j)', async (workflowType, input, message) => {
    counted += 1;
    const handle = await t.client.workflow.start(workflowType, { taskQueue: t.taskQueue, workflowId: `bad-input-${randomUUID()}`, args: [input] });
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(FailureType.InvalidInput);
    expect(cause.message).toMatch(message);
    expectClean(cause.message);
  });
});

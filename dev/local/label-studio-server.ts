// A real, headless Label Studio (PyPI label-studio, Community edition) on a free loopback port,
// with SQLite, an admin user, a legacy token and a personal access token: for end-to-end tests and the demo.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freeLoopbackPort, startLocalProcess, waitUntilReady } from '../../src/local/child-process';
import { ensurePythonVenv, type PythonVenv } from '../../src/local/python-venv';

export const LABEL_STUDIO_VERSION = '1.23.2';

export interface StartLabelStudioOptions {
  /** Admin login; Label Studio wants an email. Default admin@example.com. */
  username?: string;
  /** Admin password; default random. */
  password?: string;
  /** Legacy API token (6..40 chars); default random. Applied only when the user is first created. */
  legacyToken?: string;
  /** Keep SQLite and uploads here (kept on stop); default a temporary folder removed on stop. */
  dataDir?: string;
  /** LOCAL_FILES_DOCUMENT_ROOT: local-files storages must lie strictly under it. Default a temporary folder. */
  documentRoot?: string;
  /** Port to use; default a free one. Label Studio moving to another port is an error. */
  port?: number;
  /** Extra environment for the server, applied last, e.g. STORAGE_EMULATOR_HOST or S3_ENDPOINT. */
  env?: Record<string, string>;
  /** Give up when the server has not answered within this time; default 180 s. */
  startTimeoutMs?: number;
  /** Copy the server's output to stderr. */
  echoLog?: boolean;
}

export interface RunningLabelStudio {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** For `Authorization: Token <legacyToken>`. */
  readonly legacyToken: string;
  /** JWT refresh token: exchange at POST /api/token/refresh/ for a short-lived access token. */
  readonly personalAccessToken: string;
  readonly dataDir: string;
  readonly documentRoot: string;
  /** Tail of the server's output, for error messages. */
  logTail(lines?: number): string;
  /** Stops the server (its whole process group) and removes the temporary folders. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

// Label Studio reads any setting X from LABEL_STUDIO_X, HEARTEX_X or plain X (core/utils/params.get_env), so
// common names such as HOST, PORT or USERNAME in the caller's environment would change the server. Cloud
// credentials would reach storages whose fields are empty. None of these is inherited.
const INHERITED_BLOCKLIST = /^(LABEL_STUDIO_|HEARTEX_|DJANGO_|DATABASE_|POSTGRE|MYSQL_|AWS_|GOOGLE_|AZURE_|S3_|STORAGE_EMULATOR_HOST$|HOST$|PORT$|USERNAME$|PASSWORD$|USER_TOKEN$|DEBUG$|LOG_LEVEL$|SECRET_KEY$|REDIS_)/;

/**
 * Installs Label Studio into its cached venv and migrates its template database: the two slow steps
 * (~100 s and ~45 s, once per machine). startLabelStudio calls it; setup scripts may call it ahead.
 */
export async function ensureLabelStudioInstalled(): Promise<{ venv: PythonVenv; templateDatabase: string }> {
  const venv = await ensurePythonVenv({
    name: `label-studio-${LABEL_STUDIO_VERSION}`,
    requirements: [`label-studio==${LABEL_STUDIO_VERSION}`],
  });
  return { venv, templateDatabase: await migratedTemplate(venv) };
}

export async function startLabelStudio(options: StartLabelStudioOptions = {}): Promise<RunningLabelStudio> {
  const username = options.username ?? 'admin@example.com';
  const password = options.password ?? randomBytes(12).toString('hex');
  const legacyToken = options.legacyToken ?? randomBytes(20).toString('hex');
  if (legacyToken.length < 6 || legacyToken.length > 40) throw new Error('legacyToken must be 6 to 40 characters');

  const { venv, templateDatabase } = await ensureLabelStudioInstalled();

  const tempRoot = options.dataDir && options.documentRoot ? undefined : await mkdtemp(join(tmpdir(), 'label-studio-'));
  const dataDir = resolve(options.dataDir ?? join(tempRoot ?? '', 'data'));
  const documentRoot = resolve(options.documentRoot ?? join(tempRoot ?? '', 'files'));
  await mkdir(dataDir, { recursive: true });
  await mkdir(documentRoot, { recursive: true });
  const port = options.port ?? (await freeLoopbackPort());
  const url = `http://${HOST}:${port}`;

  const env = serverEnv(dataDir, {
    SECRET_KEY: await secretKeyFor(dataDir), // signs the JWTs: a new random key per start would void the PAT
    LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN: 'true',
    LOCAL_FILES_SERVING_ENABLED: 'true',
    LOCAL_FILES_DOCUMENT_ROOT: documentRoot,
    // Every storage target here is on loopback, which the SSRF guard rejects for redis and s3_endpoint.
    SSRF_PROTECTION_ENABLED: 'false',
    // boto3 errors from an s3_endpoint outside these domains are replaced by "Debugging info is not available";
    // the empty entry is the registered domain of an IP address, so the emulator's errors read like AWS's.
    S3_TRUSTED_STORAGE_DOMAINS: 'amazonaws.com,',
  }, options.env);
  // A fresh SQLite file costs ~35 s of migrations on every start; a copy of one migrated once costs nothing.
  const database = join(dataDir, 'label_studio.sqlite3');
  if (!existsSync(database)) await copyFile(templateDatabase, database);

  const proc = startLocalProcess({
    name: 'label-studio',
    command: venv.bin('label-studio'),
    args: ['start', '--no-browser', '--internal-host', HOST, '--port', String(port), '--data-dir', dataDir,
      '--username', username, '--password', password, '--user-token', legacyToken, '--enable-legacy-api-token'],
    env,
    cwd: dataDir,
    cleanupPaths: tempRoot ? [tempRoot] : [],
    echo: options.echoLog,
  });

  try {
    const started = Date.now();
    await waitUntilReady(proc, `Label Studio on ${url}`, async () => {
      // Label Studio takes the next port silently when ours is busy (server._get_free_port).
      const moved = /Port (\d+) is in use\.\s*\n\* Trying to start at (\d+)/.exec(proc.log());
      if (moved) {
        throw new Error(`Label Studio did not get port ${moved[1]} (busy) and moved to ${moved[2]}; log tail:\n${proc.logTail()}`);
      }
      return isHealthy(url);
    }, options.startTimeoutMs ?? 180_000);
    process.stderr.write(`[label-studio] up on ${url} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    await checkLegacyToken(url, legacyToken, username);
    const personalAccessToken = await createPersonalAccessToken(url, legacyToken);
    return {
      url, username, password, legacyToken, personalAccessToken, dataDir, documentRoot,
      logTail: (lines) => proc.logTail(lines),
      stop: () => proc.stop(),
    };
  } catch (error) {
    await proc.stop();
    throw error;
  }
}

/** The caller's environment without what Label Studio would read as its own settings, plus `settings`. */
function serverEnv(dataDir: string, ...settings: Array<Record<string, string> | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!INHERITED_BLOCKLIST.test(key)) env[key] = value;
  return Object.assign(env, {
    PYTHONUNBUFFERED: '1', // the port warning must reach us before we time out
    DJANGO_DB: 'sqlite',
    LABEL_STUDIO_BASE_DATA_DIR: dataDir, // else it also creates ~/.local/share/label-studio
    SENTRY_DSN: '', // the default DSN would send error reports out
    FRONTEND_SENTRY_DSN: '',
    LATEST_VERSION_CHECK: 'false',
    COLLECT_ANALYTICS: 'false',
  }, ...settings);
}

/**
 * An empty, fully migrated SQLite database (no user yet), made once per venv by `label-studio init`.
 * Built in a folder of its own and renamed into place, so concurrent first starts need no lock.
 */
async function migratedTemplate(venv: PythonVenv): Promise<string> {
  const template = join(venv.dir, 'label-studio-temporal-template.sqlite3');
  if (existsSync(template)) return template;
  const buildDir = await mkdtemp(join(venv.dir, '.template-build-'));
  const proc = startLocalProcess({
    name: 'label-studio-init',
    command: venv.bin('label-studio'),
    args: ['init', '-q', '--data-dir', buildDir],
    env: serverEnv(buildDir),
    cwd: buildDir,
    cleanupPaths: [buildDir],
    oneShot: true,
  });
  process.stderr.write('[label-studio] migrating a template database (once per install, ~45 s)\n');
  const code = await proc.exited;
  if (code !== 0) {
    await proc.stop();
    throw new Error(`label-studio init exited with ${String(code)}; log tail:\n${proc.logTail()}`);
  }
  await rename(join(buildDir, 'label_studio.sqlite3'), template);
  await proc.stop();
  return template;
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    return response.ok && ((await response.json()) as { status?: string }).status === 'UP';
  } catch {
    return false; // not listening yet
  }
}

/** One Django SECRET_KEY per data dir, kept beside the SQLite file so a restarted server accepts old JWTs. */
async function secretKeyFor(dataDir: string): Promise<string> {
  const path = join(dataDir, 'label-studio-temporal.secret-key');
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  const key = randomBytes(32).toString('hex');
  await writeFile(path, key, { mode: 0o600 });
  return key;
}

/** A JSON call to the local Label Studio; throws with the answer's body unless it is 2xx. */
export async function labelStudioJson<T>(
  url: string,
  authorization: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(authorization === undefined ? {} : { Authorization: authorization }),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 2_000)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function checkLegacyToken(url: string, legacyToken: string, username: string): Promise<void> {
  const me = await labelStudioJson<{ email: string }>(url, `Token ${legacyToken}`, 'GET', '/api/current-user/whoami')
    .catch((error: Error) => {
      // --user-token only applies when the user is created: a reused data dir keeps its first token.
      throw new Error(`the legacy token is not accepted (reused data dir with another token?): ${error.message}`);
    });
  if (me.email !== username) throw new Error(`the legacy token belongs to ${me.email}, not ${username}`);
}

/**
 * A fresh personal access token for the admin. Label Studio allows one live PAT per user and shows it
 * only once, so earlier ones (a reused data dir) are revoked first: the list gives their unsigned form,
 * which POST /api/token/blacklist/ accepts. The new one is proven by exchanging it for an access token.
 */
async function createPersonalAccessToken(url: string, legacyToken: string): Promise<string> {
  const auth = `Token ${legacyToken}`;
  const existing = await labelStudioJson<Array<{ token: string }>>(url, auth, 'GET', '/api/token/');
  for (const { token } of existing) await labelStudioJson(url, auth, 'POST', '/api/token/blacklist/', { refresh: token });
  const { token } = await labelStudioJson<{ token: string }>(url, auth, 'POST', '/api/token/');
  const { access } = await labelStudioJson<{ access: string }>(url, undefined, 'POST', '/api/token/refresh/', { refresh: token });
  await labelStudioJson(url, `Bearer ${access}`, 'GET', '/api/current-user/whoami');
  return token;
}

import { readdir } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { startStorageSync } from '../../src/client/sync-client';
import { ConfigError } from '../../src/config/config-error';
import type { StorageType } from '../../src/labelstudio/storage-types';
import { checkSyncInput } from '../../src/client/check-input';
import type { SyncExportStorageInput, VerifyTarget } from '../../src/schema/sync-input';
import { installCliRuntime } from '../../src/cli/cli-runtime';
import type { DemoLabelStudio } from './local-label-studio';
import type { ExitCodeValue } from '../../src/cli/exit-codes';
import { runCommand } from '../../src/cli/main';
import { followSyncToTheEnd } from '../../src/cli/follow-sync';
import { checkJoinedSync } from '../../src/cli/joined-sync';
import { openTemporalSession } from '../../src/cli/temporal-session';

interface DemoOptions {
  verifyTarget?: VerifyTarget;
  keep?: boolean;
  json?: boolean;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function demoCommand(): Command {
  return new Command('demo')
    .description('Run one sync end to end on an embedded Temporal dev server: of a local demo Label Studio, or of your storage when LABEL_STUDIO_URL is set')
    .argument('[type]', 'your export storage type (needs LABEL_STUDIO_URL); default LABEL_STUDIO_STORAGE_TYPE')
    .argument('[id]', 'your export storage id; default LABEL_STUDIO_STORAGE_ID')
    .addOption(new Option('--verify-target <policy>', 'count the objects at the target afterwards (default: strict for the local demo, off for your storage)').choices(['off', 'warn', 'strict']))
    .option('--keep', 'keep Label Studio and Temporal running after the sync, until Ctrl-C')
    .option('--json', 'print the report as JSON on stdout')
    .action(async (type: string | undefined, id: string | undefined, options: DemoOptions) => {
      process.exitCode = await runDemo(type, id, options);
    });
}

async function runDemo(type: string | undefined, id: string | undefined, options: DemoOptions): Promise<ExitCodeValue> {
  const env = process.env;
  const local = !env.LABEL_STUDIO_URL;
  if (local && (type || id)) {
    throw new ConfigError('LABEL_STUDIO_URL', 'not set', 'Set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY to sync your own storage, or run the demo without arguments');
  }
  // The in-process worker logs each retry with its error: a demo reader wants the progress lines and the
  // report, which say the same; errors only, unless LOG_LEVEL says otherwise.
  installCliRuntime({ defaultLevel: 'error' });
  const closers: Array<() => Promise<void>> = [];
  try {
    let demo: DemoLabelStudio | undefined;
    let input: SyncExportStorageInput;
    if (local) {
      const { startDemoLabelStudio } = await import('./local-label-studio.js'); // loaded by this command only
      demo = await startDemoLabelStudio(log);
      closers.push(demo.ls.stop);
      input = { storageType: 'localfiles', storageId: demo.storageId, policy: { verifyTarget: options.verifyTarget ?? 'strict' } };
    } else {
      const storage = userStorage(type, id, env);
      input = { storageType: storage.type as StorageType, storageId: Number(storage.id), policy: { verifyTarget: options.verifyTarget ?? 'off' } };
      checkSyncInput(input); // a bad type or id fails before any server starts
    }
    // The demo's worker reaches its Label Studio with the personal access token, as a user's would.
    const sessionEnv = demo ? { ...env, LABEL_STUDIO_URL: demo.ls.url, LABEL_STUDIO_API_KEY: demo.ls.personalAccessToken } : env;
    const session = await openTemporalSession({ worker: demo ? 'always' : 'auto', log, requireWorker: true, ownTaskQueue: true }, sessionEnv);
    closers.push(session.close);

    const started = await startStorageSync(session.client, input, { taskQueue: session.taskQueue });
    log(`${started.joined ? 'joined the running' : 'started'} workflow ${started.workflowId}`);
    await checkJoinedSync(session, started, log);
    if (session.uiUrl) log(`follow it in the Temporal Web UI: ${session.uiUrl}/namespaces/default/workflows/${encodeURIComponent(started.workflowId)}`);
    const code = await followSyncToTheEnd(started, options.json === true, session.cancelGraceMs, log);
    if (demo) {
      log(await describeFolder(demo.folder));
      log('to sync your own storage: LABEL_STUDIO_URL=<url> LABEL_STUDIO_API_KEY=<key> npm run demo -- <type> <id>');
    }
    if (options.keep) {
      log('keeping the servers up until Ctrl-C:');
      if (demo) log(`  Label Studio: ${demo.ls.url} (log in as ${demo.ls.username}, password ${demo.ls.password})`);
      if (session.uiUrl) log(`  Temporal Web UI: ${session.uiUrl}`);
      await interrupted();
    }
    return code;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

/** The user's storage to sync: from the command's arguments, else LABEL_STUDIO_STORAGE_TYPE / _ID. */
export function userStorage(type: string | undefined, id: string | undefined, env: NodeJS.ProcessEnv): { type: string; id: string } {
  const fix = 'Name the export storage to sync: npm run demo -- <type> <id> (e.g. gcs 3), or set LABEL_STUDIO_STORAGE_TYPE and LABEL_STUDIO_STORAGE_ID';
  const storageType = type ?? env.LABEL_STUDIO_STORAGE_TYPE?.trim();
  const storageId = id ?? env.LABEL_STUDIO_STORAGE_ID?.trim();
  if (!storageType) throw new ConfigError('LABEL_STUDIO_STORAGE_TYPE', 'not set', fix);
  if (!storageId) throw new ConfigError('LABEL_STUDIO_STORAGE_ID', 'not set', fix);
  return { type: storageType, id: storageId };
}

async function describeFolder(folder: string): Promise<string> {
  const names = (await readdir(folder)).sort((a, b) => Number(a) - Number(b));
  const shown = names.slice(0, 10).join(', ') + (names.length > 10 ? ', …' : '');
  return `the export folder now holds ${names.length} file(s)${names.length ? `: ${shown}` : ''} (${folder})`;
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

if (require.main === module) void runCommand(demoCommand(), process.argv);

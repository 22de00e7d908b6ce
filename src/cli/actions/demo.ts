import { readdir } from 'node:fs/promises';
import { startStorageSync } from '../../client/sync-client';
import { ConfigError } from '../../config/config-error';
import type { StorageType } from '../../labelstudio/storage-types';
import { checkSyncInput } from '../../client/check-input';
import type { SyncExportStorageInput } from '../../schema/sync-input';
import type { DemoOptions } from '../commands/demo';
import type { DemoLabelStudio } from '../demo/local-label-studio';
import { userStorage } from '../demo/user-storage';
import type { ExitCodeValue } from '../exit-codes';
import { followSyncToTheEnd } from '../follow-sync';
import { checkJoinedSync } from '../joined-sync';
import { openTemporalSession } from '../temporal-session';
import { importWorkerPart } from '../worker-not-installed';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** `demo`: one sync end to end on an embedded dev server, of a local demo Label Studio or of the user's storage. */
export async function runDemo(type: string | undefined, id: string | undefined, options: DemoOptions): Promise<ExitCodeValue> {
  const env = process.env;
  const local = !env.LABEL_STUDIO_URL;
  if (local && (type || id)) {
    throw new ConfigError('LABEL_STUDIO_URL', 'not set', 'Set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY to sync your own storage, or run the demo without arguments');
  }
  // The in-process worker logs each retry with its error: a demo reader wants the progress lines and the
  // report, which say the same; errors only, unless LOG_LEVEL says otherwise.
  const { installCliRuntime } = await importWorkerPart('the demo', () => import('../cli-runtime.js'));
  installCliRuntime({ defaultLevel: 'error' });
  const closers: Array<() => Promise<void>> = [];
  try {
    let demo: DemoLabelStudio | undefined;
    let input: SyncExportStorageInput;
    if (local) {
      const { startDemoLabelStudio } = await import('../demo/local-label-studio.js'); // loaded by this command only
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

// The demo's own Label Studio: a local server, a small annotated project and a local-files export storage.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LABEL_STUDIO_VERSION, startLabelStudio, type RunningLabelStudio } from '../local/label-studio-server';
import { seedLabelStudio } from '../local/label-studio-seed';

export interface DemoLabelStudio {
  ls: RunningLabelStudio;
  projectId: number;
  storageId: number;
  /** The storage's folder: the sync's target. */
  folder: string;
}

const TASKS = 5;

export async function startDemoLabelStudio(log: (line: string) => void): Promise<DemoLabelStudio> {
  log(`LABEL_STUDIO_URL is not set: starting a local Label Studio ${LABEL_STUDIO_VERSION} with a demo project (the first run installs it, a few minutes)…`);
  const ls = await startLabelStudio();
  try {
    const folder = join(ls.documentRoot, 'demo-export');
    const seeded = await seedLabelStudio(ls, {
      taskCount: TASKS,
      title: 'label-studio-temporal demo',
      storages: [{ type: 'localfiles', path: folder }],
    });
    const storageId = seeded.storages[0]!.id;
    // Label Studio exports every annotation when the storage is created: empty the folder so that
    // what it holds at the end is what the demo's sync wrote.
    for (const name of await readdir(folder)) await rm(join(folder, name), { recursive: true });
    log(`Label Studio ${ls.url}: project ${seeded.projectId} with ${TASKS} annotated tasks; local-files export storage ${storageId} → ${folder} (emptied)`);
    return { ls, projectId: seeded.projectId, storageId, folder };
  } catch (err) {
    await ls.stop();
    throw err;
  }
}

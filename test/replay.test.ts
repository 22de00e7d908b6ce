import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowInterceptorModules, workflowsPath } from '../src/worker/workflow-bundle';
import { HISTORIES_DIR } from './helpers/record-history';

// Histories recorded from earlier versions (LST_RECORD_HISTORIES=1 npm test) replayed against
// today's workflow code: a change that would break workflows already running fails here.
describe('recorded workflow histories', () => {
  const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort();
  // Workflows that derive ids from their own (child ids) must replay under the id they ran with.
  const ids = JSON.parse(readFileSync(join(HISTORIES_DIR, '..', 'workflow-ids.json'), 'utf8')) as Record<string, string>;

  it('are in the repository', () => {
    expect(files.length).toBeGreaterThanOrEqual(17);
  });

  it('replay without non-determinism against the current workflow code', async () => {
    const histories = files.map((file) => ({
      workflowId: ids[file.replace(/\.json$/, '')] ?? file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8'))),
    }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowsPath: workflowsPath(), interceptors: { workflowModules: workflowInterceptorModules() } }, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});

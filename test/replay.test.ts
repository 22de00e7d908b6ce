import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { startOtelTracing } from '../src/tracing/otel-tracing';
import { LabelStudioTemporalPlugin } from '../src/worker/plugin';
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

  // Through the plugin, as every worker loads the workflows; with tracing too, whose workflow
  // interceptors a worker may gain or lose while syncs run.
  it.each(['off', 'on'])('replay without non-determinism against the current workflow code, tracing %s', async (mode) => {
    const tracing = mode === 'on' ? startOtelTracing(new InMemorySpanExporter(), false) : null;
    const plugin = new LabelStudioTemporalPlugin({ labelStudio: new Map(), lineage: null, dataConverter: null, tracing });
    const histories = files.map((file) => ({
      workflowId: ids[file.replace(/\.json$/, '')] ?? file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8'))),
    }));
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ plugins: [plugin] }, histories)) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
    await tracing?.shutdown();
  });
});

import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageSummary } from '../src/activities/fan-out-types';
import { createListExportStorages } from '../src/activities/list-export-storages';
import { LabelStudioClientRegistry } from '../src/labelstudio/client-registry';
import { compileTitlePattern } from '../src/labelstudio/title-pattern';
import type { LabelStudioSimulator } from '../src/simulator';
import { startSimulator } from './helpers/simulated-label-studio';
import { labelStudioConnection, TEST_CONNECTION } from './helpers/temporal';

/**
 * Classic catastrophic-backtracking patterns against long titles, through the listing activity:
 * as JavaScript RegExps the first one alone blocks a thread for longer than the universe has
 * existed. The event loop must keep turning: a 10 ms timer's largest lateness is measured.
 */
const PATTERNS = ['^(a+)+$', '^(a|a)*$', '^(a|aa)+$', '(x+x+)+y', '^(\\w+\\s?)*$', '^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@)$'];
const LONG = 20_000;
const TITLES = ['a'.repeat(LONG) + '!', 'x'.repeat(LONG), 'word '.repeat(LONG / 5) + '!', 'a'.repeat(30)];
/** Far above any scheduling hiccup of a busy 2-core machine, far below what one backtracking match takes. */
const MAX_DRIFT_MS = 2_000;

describe('title patterns', () => {
  let sim: LabelStudioSimulator;
  let registry: LabelStudioClientRegistry;
  const project = 42;

  beforeAll(async () => {
    sim = await startSimulator();
    for (const title of TITLES) sim.addStorage({ type: 's3', project, title });
    compileTitlePattern('warm-up'); // the first compile loads RE2's WebAssembly module, once per process
    registry = new LabelStudioClientRegistry(new Map([[TEST_CONNECTION, labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken)]]));
  });
  afterAll(async () => {
    await registry?.close();
    await sim?.close();
  });

  it('match in linear time: the event loop stays responsive under catastrophic patterns', async () => {
    const list = createListExportStorages(registry);
    const env = new MockActivityEnvironment();
    let last = performance.now();
    let maxDrift = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      maxDrift = Math.max(maxDrift, now - last - 10);
      last = now;
    }, 10);
    const matched: Record<string, string[]> = {};
    try {
      for (const titlePattern of PATTERNS) {
        const found: StorageSummary[] = await env.run(list, { connection: TEST_CONNECTION, project, titlePattern });
        matched[titlePattern] = found.map((s) => (s.title ?? '').slice(0, 8));
      }
    } finally {
      clearInterval(ticker);
    }
    console.log(`title patterns: ${PATTERNS.length} catastrophic patterns × ${TITLES.length} titles of up to ${LONG} characters; largest timer drift ${Math.round(maxDrift)} ms`);
    expect(matched['^(a+)+$']).toEqual(['aaaaaaaa']); // only the short all-a title
    expect(matched['^(a|a)*$']).toEqual(['aaaaaaaa']);
    expect(matched['(x+x+)+y']).toEqual([]);
    expect(matched['^(\\w+\\s?)*$']).toEqual(['xxxxxxxx', 'aaaaaaaa']); // the titles without a '!'
    expect(maxDrift).toBeLessThan(MAX_DRIFT_MS);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCountTargetObjects } from '../src/activities/count-target-objects';
import type { StorageRef } from '../src/activities/types';
import { LabelStudioClientRegistry } from '../src/labelstudio/client-registry';
import type { LabelStudioSimulator } from '../src/simulator';
import { rejectionOf } from './helpers/rejection';
import { startSimulator } from './helpers/simulated-label-studio';
import { labelStudioConnection, TEST_CONNECTION } from './helpers/temporal';

// The count activity on its own, in the SDK's mock activity context (no worker, no server): the
// folder is Label Studio's, read through the simulator, counted on this machine.
let sim: LabelStudioSimulator;
let registry: LabelStudioClientRegistry;
let folder: string;

beforeAll(async () => {
  sim = await startSimulator();
  registry = new LabelStudioClientRegistry(new Map([[TEST_CONNECTION, labelStudioConnection(TEST_CONNECTION, sim.url, sim.legacyToken)]]));
  folder = mkdtempSync(join(tmpdir(), 'lst-count-'));
  for (const name of ['1', '2', '3']) writeFileSync(join(folder, name), '{}');
  mkdirSync(join(folder, 'not-an-export'));
});

afterAll(async () => {
  await registry.close();
  await sim.close();
  rmSync(folder, { recursive: true, force: true });
});

function count(ref: StorageRef) {
  // errors only: the expected failure below would print its warning otherwise
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') }).run(createCountTargetObjects(registry), ref);
}

describe('countTargetObjects', () => {
  it('counts the files of a localfiles export folder, not its sub-folders', async () => {
    const id = sim.addStorage({ type: 'localfiles', project: 1, fields: { path: folder } });
    expect(await count({ connection: TEST_CONNECTION, type: 'localfiles', id })).toEqual({ target: `folder ${JSON.stringify(folder)}`, objects: 3 });
  });

  it('fails without retrying for a storage type it cannot count', async () => {
    const id = sim.addStorage({ type: 'azure', project: 1 });
    const err = await rejectionOf(count({ connection: TEST_CONNECTION, type: 'azure', id }), ApplicationFailure);
    expect(err).toMatchObject({ type: 'TargetCountFailed', nonRetryable: true });
    expect(err.message).toContain('counting the objects of azure storages is not supported');
  });
});

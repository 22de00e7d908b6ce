import { describe, expect, it } from 'vitest';
import { resolvePipelineInput, type AnnotationPipelineInput } from '../src/schema/pipeline-input';
import { resolveProjectSyncInput, type SyncProjectExportsInput } from '../src/schema/project-sync-input';
import { resolveSyncInput, type SyncExportStorageInput } from '../src/schema/sync-input';
import { pipelineInputDefaults, projectSyncInputDefaults, syncInputDefaults } from '../src/workflows/fill-defaults';

// The workflows fill defaults without zod; for every input the schemas accept, they must land where the schemas do.
const policies: SyncExportStorageInput['policy'][] = [
  undefined,
  {},
  { poll: { initial: '3s' } },
  { poll: { initial: 1500, coefficient: 2, max: ' 1m ' }, timeout: '2h', stallTimeout: 60_000 },
  { maxAttempts: 7, retryBackoff: { initial: '10s', max: '1h' }, onCompletedWithErrors: 'warn', attachToRunning: false, verifyTarget: 'strict' },
  { onCompletedWithErrors: 'retry', verifyTarget: 'warn', timeout: '30d' },
  { unreachableTimeout: ' 5m ' },
  { unreachableTimeout: 1_000, stallTimeout: '10m' },
];

const storageInputs: SyncExportStorageInput[] = policies.flatMap((policy) => [
  { storageType: 'gcs_sa', storageId: 3, ...(policy !== undefined && { policy }) },
  { connection: 'eu-2', storageType: 's3', storageId: 9_007_199_254_740_991, ...(policy !== undefined && { policy }) },
]);

const projectInputs: SyncProjectExportsInput[] = [
  { project: 1 },
  { connection: 'lab', project: 2, types: ['s3', 'gcs_sa'], title: 'nightly', titlePattern: 'export-.*', concurrency: 9, failOn: 'none', policy: policies[3] },
  { project: 3, storages: [{ type: 'azure', id: 4 }], policy: policies[4] },
];

const pipelineInputs: AnnotationPipelineInput[] = [
  { project: 1 },
  { connection: 'lab', project: 5, quietPeriod: '2s', maxWait: 90_000, reconcileEvery: 0, batchesPerRun: 3, sync: { types: ['s3'], policy: { maxAttempts: 2 } } },
  { project: 6, reconcileEvery: ' 5m ', downstream: { workflowType: ' train ', taskQueue: 'gpu ' } },
  { project: 7, downstream: { workflowType: 'train', taskQueue: 'gpu', when: 'always' } },
];

describe('the workflows fill defaults as the schemas do', () => {
  it.each(storageInputs)('storage sync %j', (input) => {
    expect(syncInputDefaults(input)).toEqual(resolveSyncInput(input));
  });
  it.each(projectInputs)('project sync %j', (input) => {
    expect(projectSyncInputDefaults(input)).toEqual(resolveProjectSyncInput(input));
  });
  it.each(pipelineInputs)('pipeline %j', (input) => {
    expect(pipelineInputDefaults(input)).toEqual(resolvePipelineInput(input));
  });
});

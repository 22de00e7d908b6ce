// Writes the package.json of the worker image's node_modules (Dockerfile): this package's dependencies
// plus the peers a worker needs, at the exact versions our devDependencies pin and the tests run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WORKER_PEERS = [
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/common',
  '@temporalio/envconfig',
  '@temporalio/worker',
  '@temporalio/workflow',
  // target counting (verifyTarget) of gcs, s3 and redis storages
  '@google-cloud/storage',
  '@aws-sdk/client-s3',
  'redis',
];

interface Manifest {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as Manifest;
const dependencies = { ...manifest.dependencies };
for (const peer of WORKER_PEERS) {
  const version = manifest.devDependencies[peer];
  if (!version) throw new Error(`${peer} is not in devDependencies: pin the version the tests use there`);
  dependencies[peer] = version;
}
const out = process.argv[2];
if (!out) throw new Error('usage: tsx scripts/worker-runtime-package.ts <output package.json>');
writeFileSync(out, `${JSON.stringify({ private: true, dependencies }, null, 2)}\n`);

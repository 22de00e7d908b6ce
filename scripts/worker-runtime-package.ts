// Writes the package.json of the worker image's node_modules (Dockerfile): this package's dependencies
// plus what a worker needs besides, at the exact versions our devDependencies pin and the tests run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WORKER_PACKAGES = [
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/common',
  '@temporalio/envconfig',
  '@temporalio/plugin', // the package's worker is a Worker with its plugin (src/worker/plugin.ts)
  '@temporalio/worker',
  '@temporalio/workflow',
  // target counting (verifyTarget) of gcs, s3 and redis storages
  '@google-cloud/storage',
  '@aws-sdk/client-s3',
  'redis',
  // one protobufjs 8 for every Temporal package, as in our own tree (not several nested copies)
  'protobufjs',
];

interface Manifest {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as Manifest;
const dependencies = { ...manifest.dependencies };
for (const name of WORKER_PACKAGES) {
  const version = manifest.devDependencies[name];
  if (!version) throw new Error(`${name} is not in devDependencies: pin the version the tests use there`);
  dependencies[name] = version;
}
const out = process.argv[2];
if (!out) throw new Error('usage: tsx scripts/worker-runtime-package.ts <output package.json>');
writeFileSync(out, `${JSON.stringify({ private: true, dependencies }, null, 2)}\n`);

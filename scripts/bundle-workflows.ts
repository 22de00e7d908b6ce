// `npm run build`, after tsc: bundles the compiled workflows once, so that workers started from the
// build (the CLI, `node dist/worker.js`, the Docker image) load the bundle instead of running webpack.
// Usage: tsx scripts/bundle-workflows.ts [dist folder, default ./dist]
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { installedWorkflowSdkVersion, WORKFLOW_BUNDLE_FILE, WORKFLOW_BUNDLE_MANIFEST, type WorkflowBundleManifest } from '../src/worker/workflow-bundle';

async function main(): Promise<void> {
  const dist = process.argv[2] ? resolve(process.argv[2]) : join(__dirname, '..', 'dist');
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(dist, 'workflows', 'index.js'),
    workflowInterceptorModules: [join(dist, 'workflows', 'metrics-interceptor.js')],
  });
  const out = join(dist, WORKFLOW_BUNDLE_FILE);
  await writeFile(out, code);
  // The SDK copy inside the bundle: a worker with another one installed bundles the sources instead.
  const manifest: WorkflowBundleManifest = { workflowSdkVersion: installedWorkflowSdkVersion() };
  await writeFile(join(dist, WORKFLOW_BUNDLE_MANIFEST), `${JSON.stringify(manifest)}\n`);
  console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

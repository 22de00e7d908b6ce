// `npm run build`, after tsc: bundles the compiled workflows once, so that workers started from the
// build (the CLI, `node dist/worker.js`, the Docker image) load the bundle instead of running webpack.
// Usage: tsx scripts/bundle-workflows.ts [dist folder, default ./dist]
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ENCODED_FAILURES_BUNDLE_FILE, installedWorkflowSdkVersion, WORKFLOW_BUNDLE_FILE, WORKFLOW_BUNDLE_MANIFEST, type WorkflowBundleManifest } from '../src/worker/workflow-bundle';

async function main(): Promise<void> {
  const dist = process.argv[2] ? resolve(process.argv[2]) : join(__dirname, '..', 'dist');
  const workflows = { workflowsPath: join(dist, 'workflows', 'index.js'), workflowInterceptorModules: [join(dist, 'workflows', 'metrics-interceptor.js')] };
  // Workflow failures are converted inside the bundle, so payload encryption (its failure converter) needs a bundle of its own.
  const bundles = [
    { file: WORKFLOW_BUNDLE_FILE, failureConverterPath: undefined },
    { file: ENCODED_FAILURES_BUNDLE_FILE, failureConverterPath: join(dist, 'codec', 'encoded-failure-converter.js') },
  ];
  for (const { file, failureConverterPath } of bundles) {
    const { code } = await bundleWorkflowCode({ ...workflows, failureConverterPath });
    const out = join(dist, file);
    await writeFile(out, code);
    console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
  }
  // The SDK copy inside the bundle: a worker with another one installed bundles the sources instead.
  const manifest: WorkflowBundleManifest = { workflowSdkVersion: installedWorkflowSdkVersion() };
  await writeFile(join(dist, WORKFLOW_BUNDLE_MANIFEST), `${JSON.stringify(manifest)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

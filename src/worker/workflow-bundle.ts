import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';

/** The workflow bundle `npm run build` writes next to the compiled code (dist/workflow-bundle.js). */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

/** Where the prebuilt workflow bundle of this build is, or would be. */
export function workflowBundlePath(): string {
  return join(__dirname, '..', WORKFLOW_BUNDLE_FILE);
}

/**
 * The workflow code a worker loads: the prebuilt bundle in a build (no webpack run at start, less
 * memory), else the workflow sources, which the worker bundles on the fly (tsx, vitest).
 */
export function workflowBundleOption(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const codePath = workflowBundlePath();
  return existsSync(codePath) ? { workflowBundle: { codePath } } : { workflowsPath: workflowsPath() };
}

/** The workflows entry point, compiled (dist) or as TypeScript source (tsx, vitest): the bundler takes both. */
export function workflowsPath(): string {
  return workflowModule('index');
}

/** The interceptors bundled with the workflows: the sync metrics. The prebuilt bundle includes them too. */
export function workflowInterceptorModules(): string[] {
  return [workflowModule('metrics-interceptor')];
}

function workflowModule(name: string): string {
  const js = join(__dirname, '..', 'workflows', `${name}.js`);
  return existsSync(js) ? js : join(__dirname, '..', 'workflows', `${name}.ts`);
}

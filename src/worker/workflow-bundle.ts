import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BundleOptions, WorkerOptions } from '@temporalio/worker';
import { encodedFailureConverterPath } from '../config/payload-encryption';

/** The workflow bundle `npm run build` writes next to the compiled code (dist/workflow-bundle.js). */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

/** The same workflows built with the failure converter of payload encryption (LST_PAYLOAD_KEY): failures are encrypted too. */
export const ENCODED_FAILURES_BUNDLE_FILE = 'workflow-bundle-encoded-failures.js';

/** Beside the bundles: the @temporalio/workflow version bundled into them. */
export const WORKFLOW_BUNDLE_MANIFEST = 'workflow-bundle.json';

export interface WorkflowBundleManifest {
  workflowSdkVersion: string;
}

/** Where the prebuilt workflow bundle of this build is, or would be. */
export function workflowBundlePath(dir = join(__dirname, '..')): string {
  return join(dir, WORKFLOW_BUNDLE_FILE);
}

/** The prebuilt bundle for a data converter's failure converter: none for one of the user's own (the SDK bundles the sources with it). */
function prebuiltBundleFor(dir: string, failureConverterPath: string | undefined): string | undefined {
  if (failureConverterPath === undefined) return workflowBundlePath(dir);
  return failureConverterPath === encodedFailureConverterPath() ? join(dir, ENCODED_FAILURES_BUNDLE_FILE) : undefined;
}

/** The @temporalio/workflow version installed beside this package: the one a bundle must have been built with. */
export function installedWorkflowSdkVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('@temporalio/workflow/package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Why the prebuilt bundle in `dir` cannot be used, or undefined when it can; absent altogether, it is
 * not a problem (tsx, vitest: the sources are bundled). A bundle carries its own copy of the workflow
 * SDK, which must match the worker's: an npm install that resolved another SDK version than the one
 * the package was built with gets the sources bundled at start instead. So does a data converter whose
 * failure converter no prebuilt bundle was built with.
 */
export function prebuiltBundleProblem(dir = join(__dirname, '..'), installed = installedWorkflowSdkVersion(), failureConverterPath?: string): string | undefined {
  if (!existsSync(workflowBundlePath(dir))) return undefined;
  let built: string | undefined;
  try {
    built = (JSON.parse(readFileSync(join(dir, WORKFLOW_BUNDLE_MANIFEST), 'utf8')) as Partial<WorkflowBundleManifest>).workflowSdkVersion;
  } catch {
    built = undefined;
  }
  if (built === installed) {
    const codePath = prebuiltBundleFor(dir, failureConverterPath);
    if (!codePath) return `no prebuilt workflow bundle was built with the data converter's failure converter ${failureConverterPath}: bundling the workflow sources with it at start`;
    return existsSync(codePath) ? undefined : `the prebuilt workflow bundle ${basename(codePath)} is missing: bundling the workflow sources at start instead (npm run build writes it)`;
  }
  const which = built ? `was built with @temporalio/workflow ${built}` : `has no ${WORKFLOW_BUNDLE_MANIFEST} naming the SDK it was built with`;
  return `the prebuilt workflow bundle ${which}, but ${installed} is installed: bundling the workflow sources at start instead (pin @temporalio/* to ${built ?? 'the version the package was built with'} to skip this)`;
}

/**
 * The workflow code a worker loads: the prebuilt bundle in a build (no webpack run at start, less
 * memory) when it was built with the installed workflow SDK and the data converter's failure
 * converter, else the workflow sources, which the worker bundles on the fly with that converter
 * (tsx, vitest, an SDK version other than the build's, a failure converter of the user's own).
 */
export function workflowBundleOption(dir = join(__dirname, '..'), failureConverterPath?: string): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const codePath = prebuiltBundleFor(dir, failureConverterPath);
  return codePath && existsSync(codePath) && prebuiltBundleProblem(dir, undefined, failureConverterPath) === undefined ? { workflowBundle: { codePath } } : { workflowsPath: workflowsPath() };
}

/** The workflows entry point, compiled (dist) or as TypeScript source (tsx, vitest): the bundler takes both. */
export function workflowsPath(): string {
  return workflowModule('index');
}

/** The module name src/workflows/with-user-workflows.ts loads the worker's own workflows by. */
const USER_WORKFLOWS = '__label_studio_temporal_user_workflows__';

type WebpackConfigHook = NonNullable<BundleOptions['webpackConfigHook']>;

/**
 * The workflow code of a worker whose own workflows (`own`, its workflowsPath; none: only this
 * package's) sit beside this package's in its one bundle: a module exporting both, with the
 * bundler told where `own` is. Applied twice (the worker's options, then its bundler's), it
 * changes nothing the second time.
 */
export function besideOwnWorkflows(own: string | undefined, hook: WebpackConfigHook | undefined): { workflowsPath: string; webpackConfigHook?: WebpackConfigHook } {
  const ours = workflowsPath();
  const combined = workflowModule('with-user-workflows');
  if (own === undefined || own === ours) return { workflowsPath: ours, webpackConfigHook: hook };
  if (own === combined) return { workflowsPath: combined, webpackConfigHook: hook };
  return {
    workflowsPath: combined,
    webpackConfigHook: (config) => {
      const configured = hook ? hook(config) : config;
      const alias = configured.resolve?.alias;
      if (Array.isArray(alias)) return { ...configured, resolve: { ...configured.resolve, alias: [...alias, { name: USER_WORKFLOWS, alias: own, onlyModule: true }] } };
      return { ...configured, resolve: { ...configured.resolve, alias: { ...alias, [`${USER_WORKFLOWS}$`]: own } } };
    },
  };
}

/** The interceptors bundled with the workflows: the sync metrics. The prebuilt bundle includes them too. */
export function workflowInterceptorModules(): string[] {
  return [workflowModule('metrics-interceptor')];
}

function workflowModule(name: string): string {
  const js = join(__dirname, '..', 'workflows', `${name}.js`);
  return existsSync(js) ? js : join(__dirname, '..', 'workflows', `${name}.ts`);
}

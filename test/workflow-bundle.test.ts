// Which workflow code a worker loads: the prebuilt bundle only when it was built with the workflow SDK
// installed beside it (the bundle carries its own copy); otherwise the sources, bundled at start, and why.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodedFailureConverterPath } from '../src/config/payload-encryption';
import { ENCODED_FAILURES_BUNDLE_FILE, installedWorkflowSdkVersion, prebuiltBundleProblem, workflowBundleOption, workflowsPath, WORKFLOW_BUNDLE_FILE, WORKFLOW_BUNDLE_MANIFEST } from '../src/worker/workflow-bundle';

describe('the prebuilt workflow bundle', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A build folder holding a bundle and, unless null, a manifest naming `sdk`. */
  function build(sdk: string | null): string {
    const dir = mkdtempSync(join(tmpdir(), 'workflow-bundle-'));
    dirs.push(dir);
    writeFileSync(join(dir, WORKFLOW_BUNDLE_FILE), '// bundle');
    if (sdk !== null) writeFileSync(join(dir, WORKFLOW_BUNDLE_MANIFEST), JSON.stringify({ workflowSdkVersion: sdk }));
    return dir;
  }

  it('is used when it was built with the installed @temporalio/workflow', () => {
    const dir = build(installedWorkflowSdkVersion());
    expect(prebuiltBundleProblem(dir)).toBeUndefined();
    expect(workflowBundleOption(dir)).toEqual({ workflowBundle: { codePath: join(dir, WORKFLOW_BUNDLE_FILE) } });
  });

  it('is the one built with the failure converter of payload encryption when the data converter has it; the sources for a converter of the user\'s own', () => {
    const dir = build(installedWorkflowSdkVersion());
    writeFileSync(join(dir, ENCODED_FAILURES_BUNDLE_FILE), '// bundle with encoded failures');
    expect(workflowBundleOption(dir, encodedFailureConverterPath())).toEqual({ workflowBundle: { codePath: join(dir, ENCODED_FAILURES_BUNDLE_FILE) } });
    const own = join(dir, 'my-failure-converter.js');
    expect(workflowBundleOption(dir, own)).toEqual({ workflowsPath: workflowsPath() });
    expect(prebuiltBundleProblem(dir, undefined, own)).toBe(`no prebuilt workflow bundle was built with the data converter's failure converter ${own}: bundling the workflow sources with it at start`);
    expect(prebuiltBundleProblem(dir, undefined, encodedFailureConverterPath())).toBeUndefined();
  });

  it('gives way to the sources, saying why, when the bundle for payload encryption is missing from the build', () => {
    const dir = build(installedWorkflowSdkVersion());
    expect(prebuiltBundleProblem(dir, undefined, encodedFailureConverterPath())).toBe(
      'the prebuilt workflow bundle workflow-bundle-encoded-failures.js is missing: bundling the workflow sources at start instead (npm run build writes it)',
    );
    expect(workflowBundleOption(dir, encodedFailureConverterPath())).toEqual({ workflowsPath: workflowsPath() });
  });

  it('gives way to the sources, saying why, when another SDK version is installed', () => {
    const dir = build('1.0.0');
    expect(prebuiltBundleProblem(dir, '1.24.0')).toBe(
      'the prebuilt workflow bundle was built with @temporalio/workflow 1.0.0, but 1.24.0 is installed: bundling the workflow sources at start instead (pin @temporalio/* to 1.0.0 to skip this)',
    );
    expect(workflowBundleOption(dir)).toEqual({ workflowsPath: workflowsPath() });
  });

  it('gives way to the sources when no manifest says which SDK it holds', () => {
    const dir = build(null);
    expect(prebuiltBundleProblem(dir)).toMatch(/has no workflow-bundle\.json naming the SDK/);
    expect(workflowBundleOption(dir)).toEqual({ workflowsPath: workflowsPath() });
  });

  it('is no problem when there is none (running from the sources)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'workflow-bundle-'));
    dirs.push(dir);
    expect(prebuiltBundleProblem(dir)).toBeUndefined();
    expect(workflowBundleOption(dir)).toEqual({ workflowsPath: workflowsPath() });
  });
});

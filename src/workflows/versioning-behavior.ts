import type { VersioningBehavior } from '@temporalio/common';
import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';

/**
 * Declares how a workflow moves between Worker Deployment Versions (docs/upgrades.md), to versioned
 * workers only: the server refuses a task completed with a behaviour by an unversioned worker, and one
 * workflow bundle serves both. Decided when a run starts on a worker: versioned if its first workflow
 * task ran on a version (a run begun before versioning was turned on gets the worker's default).
 */
export function declareVersioningBehavior<A extends unknown[], R>(workflow: (...args: A) => Promise<R>, behavior: VersioningBehavior): void {
  // An unversioned worker has a build id of its own too, but no deployment name.
  setWorkflowOptions(() => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: behavior } : {}), workflow);
}

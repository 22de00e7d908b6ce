import type { WorkerDeploymentVersion } from '@temporalio/common';
import { ConfigError } from './config-error';

/** The names the Temporal Worker Controller sets on every worker pod it runs; read the same way outside Kubernetes. */
export const DEPLOYMENT_NAME_VARIABLE = 'TEMPORAL_DEPLOYMENT_NAME';
export const BUILD_ID_VARIABLE = 'TEMPORAL_WORKER_BUILD_ID';

/** Temporal's version strings join the two with these: a name holding one cannot be made current. */
const NAME_SEPARATORS = /[.:]/;
/** The server's name for "no version" (the unversioned workers of a task queue). */
const RESERVED_BUILD_ID = '__unversioned__';

/**
 * The Worker Deployment Version this worker runs as (docs/upgrades.md), or undefined when neither
 * variable is set: then the worker is unversioned, as before versioning existed.
 */
export function workerDeploymentFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerDeploymentVersion | undefined {
  const deploymentName = env[DEPLOYMENT_NAME_VARIABLE]?.trim() ?? '';
  const buildId = env[BUILD_ID_VARIABLE]?.trim() ?? '';
  if (!deploymentName && !buildId) return undefined;
  const both = `Set both ${DEPLOYMENT_NAME_VARIABLE} and ${BUILD_ID_VARIABLE} to run the worker as a version of a Worker Deployment, or neither to run it unversioned`;
  if (!deploymentName) throw new ConfigError(DEPLOYMENT_NAME_VARIABLE, `is unset while ${BUILD_ID_VARIABLE} is set`, both);
  if (!buildId) throw new ConfigError(BUILD_ID_VARIABLE, `is unset while ${DEPLOYMENT_NAME_VARIABLE} is set`, both);
  if (NAME_SEPARATORS.test(deploymentName)) {
    throw new ConfigError(DEPLOYMENT_NAME_VARIABLE, 'contains "." or ":", which Temporal uses to join it with the build id', 'Use a name without them, e.g. label-studio-sync (the build id may hold them)');
  }
  if (buildId === RESERVED_BUILD_ID) {
    throw new ConfigError(BUILD_ID_VARIABLE, `is ${RESERVED_BUILD_ID}, the name Temporal reserves for unversioned workers`, 'Use the release, image tag or commit this worker runs, e.g. 1.4.0 or git-3f2a9c1');
  }
  return { deploymentName, buildId };
}

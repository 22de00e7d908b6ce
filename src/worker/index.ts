// label-studio-temporal/worker: the worker process or an app's own worker. Loads @temporalio/worker and
// undici; a target's SDK (GCS, S3, Redis) only when a sync counts objects at a target of that kind.
export { runWorker } from '../worker';
export { createSyncWorker, type SyncWorkerOptions, type SyncWorker } from './create-worker';
export { workflowBundleOption, workflowBundlePath, workflowsPath, workflowInterceptorModules } from './workflow-bundle';
export { runtimeOptions } from './runtime';
export { loadWorkerConfig } from '../worker';
export { createActivities, type Activities } from '../activities';
export { LabelStudioClient, type LabelStudioClientOptions } from '../labelstudio/client';
export { LabelStudioClientRegistry } from '../labelstudio/client-registry';
export { LabelStudioError, type LabelStudioErrorKind } from '../labelstudio/errors';
export { loadLabelStudioConnections, type LabelStudioConnection } from '../config/label-studio-connections';
export { workerDeploymentFromEnv } from '../config/worker-deployment';
export { ConfigError } from '../config/config-error';
export { countTarget } from '../targets/count-target';
export { loadTargetConfig, type TargetConfig } from '../targets/target-config';
export type { TargetCount } from '../targets/target-count';

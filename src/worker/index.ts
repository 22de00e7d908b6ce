// label-studio-temporal/worker: the worker process or an app's own worker. Loads @temporalio/worker and
// undici; a target's SDK (GCS, S3, Redis) only when a sync counts objects at a target of that kind.
export { runWorker } from '../worker';
export { LabelStudioTemporalPlugin, type LabelStudioTemporalPluginOptions } from './plugin';
export { createSyncWorker, type SyncWorkerOptions, type SyncWorker } from './create-worker';
export { startTracing, tracingFromEnv, tracingWith, type Tracing } from '../tracing/tracing';
export { workflowBundleOption, workflowBundlePath, workflowsPath, workflowInterceptorModules } from './workflow-bundle';
export { runtimeOptions } from './runtime';
export { syncMetricsSinks } from './metrics';
export type { SyncMetricsSinks, SyncEnd } from '../workflows/sync-metrics-sink';
export { loadWorkerConfig } from '../worker';
export { createActivities, type Activities } from '../activities';
export type { RequestRoute, TriggerAndAwaitInput, TriggerAndAwaitResult } from '../activities/types';
export { LabelStudioClient, type LabelStudioClientOptions } from '../labelstudio/client';
export { LabelStudioClientRegistry } from '../labelstudio/client-registry';
export { LabelStudioError, type LabelStudioErrorKind } from '../labelstudio/errors';
export { loadLabelStudioConnections, type LabelStudioConnection } from '../config/label-studio-connections';
export { workerDeploymentFromEnv } from '../config/worker-deployment';
export { ConfigError } from '../config/config-error';
export { countTarget } from '../targets/count-target';
export { loadTargetConfig, type TargetConfig, type GcsTargetConfig, type S3TargetConfig, type RedisTargetConfig, type RootMapping } from '../targets/target-config';
export type { TargetCount, CountProgress } from '../targets/target-count';
export type { LineageConfig } from '../config/lineage';
export type { ObservabilityConfig } from '../config/observability';
export type { RequestObserver, ObservedRequest, RequestEnd } from '../labelstudio/request-observer';
export type { TaskPage } from '../labelstudio/project-tasks';

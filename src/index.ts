// The package's public API. Workflows are registered by the worker from src/workflows; callers
// start them through the client functions below.
export { startStorageSync, runStorageSync, awaitSyncReport, type StartSyncOptions, type StartedSync } from './client/sync-client';
export { SyncWorkflowError } from './client/sync-failure';
export { createSyncWorker, workflowsPath, type SyncWorkerOptions, type SyncWorker } from './worker/create-worker';
export { runWorker } from './worker';
export { createActivities, type Activities } from './activities';
export { LabelStudioClient, type LabelStudioClientOptions } from './labelstudio/client';
export { LabelStudioClientRegistry } from './labelstudio/client-registry';
export { LabelStudioError, type LabelStudioErrorKind } from './labelstudio/errors';
export type { ExportStorage, StorageMeta } from './labelstudio/export-storage';
export { STORAGE_TYPES, type StorageType, type SyncStatus } from './labelstudio/storage-types';
export { loadLabelStudioConnections, type LabelStudioConnection } from './config/label-studio-connections';
export { ConfigError } from './config/config-error';
export { DEFAULT_TASK_QUEUE } from './config/task-queue';
export { FailureType } from './failure-types';
export { DEFAULT_POLICY, type SyncExportStorageInput, type SyncPolicy } from './workflows/sync-policy';
export type { SyncReport, SyncAttemptRecord, SyncOutcome, SyncState } from './workflows/sync-report';
export { syncWorkflowId } from './workflows/workflow-ids';
export { SEARCH_ATTRIBUTE_DEFINITIONS } from './workflows/search-attributes';
export { startTemporalDevServer, type RunningDevServer } from './local/temporal-dev-server';
export { LabelStudioSimulator, type SimulatorOptions, type Fault } from './simulator';

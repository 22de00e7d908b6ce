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
export { startProjectSync, runProjectSync, awaitProjectSyncReport, ProjectSyncError, type StartProjectSyncOptions, type StartedProjectSync } from './client/project-sync-client';
export type { SyncProjectExportsInput, StorageSelector, FailOn } from './workflows/project-sync-input';
export type { ProjectSyncReport, StorageSyncResult } from './workflows/project-sync-report';
export {
  createSyncSchedule,
  compileSyncSchedule,
  listSyncSchedules,
  describeSyncSchedule,
  updateSyncSchedule,
  pauseSyncSchedule,
  unpauseSyncSchedule,
  triggerSyncSchedule,
  backfillSyncSchedule,
  deleteSyncSchedule,
  type CreateSyncScheduleOptions,
  type SyncScheduleChanges,
} from './client/schedules';
export type { SyncScheduleSpec } from './client/schedule-spec';
export type { ScheduleTarget } from './client/schedule-target';
export { InvalidScheduleError } from './client/invalid-schedule';
export * from './webhooks';
export type { AnnotationPipelineInput, DownstreamWorkflow, DownstreamInput, PipelineState } from './workflows/pipeline-types';
export { pipelineWorkflowId } from './workflows/project-ids';
export type { TargetVerification } from './workflows/target-verification';
export type { VerifyTarget } from './workflows/sync-policy';

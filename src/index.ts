// label-studio-temporal: the client API, for apps and services that start and watch syncs. It loads only
// @temporalio/client and @temporalio/common; workflow modules come in as types or plain constants.
// The other doors: label-studio-temporal/worker, /webhooks, /testing.
export { startStorageSync, runStorageSync, awaitSyncReport, type StartSyncOptions, type StartedSync } from './client/sync-client';
export { SyncWorkflowError } from './client/sync-failure';
export { LabelStudioTemporalClientPlugin, type ClientPluginOptions } from './client/client-plugin';
export { startTracing, tracingFromEnv, tracingWith, type Tracing } from './tracing/tracing';
export { AesGcmPayloadCodec } from './codec/aes-gcm-codec';
export { dataConverterFromEnv, encodedFailureConverterPath } from './config/payload-encryption';
export { startProjectSync, runProjectSync, awaitProjectSyncReport, ProjectSyncError, type StartProjectSyncOptions, type StartedProjectSync } from './client/project-sync-client';
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
export type { SyncScheduleSpec, OverlapName } from './client/schedule-spec';
export type { SyncScheduleView, SyncScheduleSummary, ScheduledRun } from './client/schedule-view';
export type { Started } from './client/started';
export type { ScheduleTarget, ScheduleTargetMemo } from './client/schedule-target';
export { InvalidScheduleError } from './client/invalid-schedule';
export { STORAGE_TYPES, SYNC_STATUSES, type StorageType, type SyncStatus } from './labelstudio/storage-types';
export type { ExportStorage, StorageMeta } from './labelstudio/export-storage';
export type { ProjectCounters } from './labelstudio/project-counters';
export type { StorageSnapshot } from './activities/types';
export type { EtaReport, CheckBasis, EtaBasis } from './activities/sync-eta';
export type { KeyCheck } from './targets/export-keys';
export type { Duration } from './schema/duration';
export type { LabelStudioErrorKind } from './labelstudio/errors';
export { DEFAULT_TASK_QUEUE } from './config/task-queue';
export { FailureType, type FailureTypeName } from './failure-types';
export { DEFAULT_POLICY, type SyncExportStorageInput, type SyncPolicy, type VerifyTarget } from './schema/sync-input';
export type { SyncReport, SyncAttemptRecord, SyncOutcome, SyncState, AttemptStatus, SyncPhase } from './workflows/sync-report';
export type { SyncProjectExportsInput, StorageSelector, FailOn } from './schema/project-sync-input';
export type { ProjectSyncReport, StorageSyncResult, ProjectSyncOutcome, StorageSyncEntry } from './workflows/project-sync-report';
export type { TargetVerification } from './workflows/target-verification';
export type { AnnotationPipelineInput, DownstreamWorkflow, DownstreamInput, PipelineState, PipelinePhase, BatchRecord } from './workflows/pipeline-types';
export type { PendingBatch } from './workflows/pipeline-batch';
export type { AnnotationAction } from './workflows/annotation-events';
export { syncWorkflowId } from './workflows/workflow-ids';
export { pipelineWorkflowId } from './workflows/project-ids';
export { SEARCH_ATTRIBUTE_DEFINITIONS } from './workflows/search-attributes';

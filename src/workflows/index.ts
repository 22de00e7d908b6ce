// The worker bundles this file: every workflow the package registers is exported here.
export { syncExportStorage, syncStateQuery } from './sync-export-storage';
export { syncProjectExports, projectSyncStateQuery } from './sync-project-exports';
export { annotationPipeline, pipelineStateQuery } from './annotation-pipeline';
export { scheduledStorageSync } from './scheduled-storage-sync';
export { emitLineageEvent } from './emit-lineage-event';

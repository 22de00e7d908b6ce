// The worker bundles this file: every workflow the package registers is exported here.
export { syncExportStorage } from './sync-export-storage';
export { syncProjectExports } from './sync-project-exports';
export { annotationPipeline } from './annotation-pipeline';
export { syncStateQuery } from './sync-report';
export { projectSyncStateQuery } from './project-sync-report';
export { pipelineStateQuery } from './pipeline-types';
export { scheduledStorageSync } from './scheduled-storage-sync';
export { emitLineageEvent } from './emit-lineage-event';

// The worker bundles this file: every workflow the package registers is exported here.
export { syncExportStorage, syncStateQuery } from './sync-export-storage';

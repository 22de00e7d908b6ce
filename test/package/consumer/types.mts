// Type-checked as an ES module against the packed package's declarations.
import { runStorageSync, type SyncReport, type SyncExportStorageInput } from 'label-studio-temporal';
import { createSyncWorker, type SyncWorkerOptions } from 'label-studio-temporal/worker';
import { parseAnnotationEvent } from 'label-studio-temporal/webhooks';
import { LabelStudioSimulator } from 'label-studio-temporal/testing';

export const input: SyncExportStorageInput = { connection: 'default', storageType: 'gcs', storageId: 1 };
export type Run = typeof runStorageSync;
export type Report = SyncReport['outcome'];
export type Options = SyncWorkerOptions['taskQueue'];
export const doors = [createSyncWorker, parseAnnotationEvent, LabelStudioSimulator.start] as const;

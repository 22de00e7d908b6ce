// Type-checked with the older moduleResolution node10 (no exports map): the subpaths resolve through typesVersions.
import { runStorageSync } from 'label-studio-temporal';
import { createSyncWorker } from 'label-studio-temporal/worker';
import { parseAnnotationEvent } from 'label-studio-temporal/webhooks';
import { LabelStudioSimulator } from 'label-studio-temporal/testing';

export const doors = [runStorageSync, createSyncWorker, parseAnnotationEvent, LabelStudioSimulator] as const;

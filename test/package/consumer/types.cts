// Type-checked as a CommonJS module against the packed package's declarations.
import { startStorageSync, type StartedSync } from 'label-studio-temporal';
import { createActivities } from 'label-studio-temporal/worker';
import { createWebhookReceiver } from 'label-studio-temporal/webhooks';
import { createTestEnvironment } from 'label-studio-temporal/testing';

export type Started = StartedSync['workflowId'];
export const doors = [startStorageSync, createActivities, createWebhookReceiver, createTestEnvironment] as const;

// An ES module consumer of the packed package: named imports from each door (CommonJS through Node's interop).
import { DEFAULT_TASK_QUEUE, runStorageSync, STORAGE_TYPES, SyncWorkflowError, syncWorkflowId } from 'label-studio-temporal';
import { countTarget, createSyncWorker, workflowBundleOption } from 'label-studio-temporal/worker';
import { createWebhookReceiver } from 'label-studio-temporal/webhooks';
import { createTestEnvironment, LabelStudioSimulator } from 'label-studio-temporal/testing';

const imported = { DEFAULT_TASK_QUEUE, runStorageSync, STORAGE_TYPES, SyncWorkflowError, syncWorkflowId, countTarget, createSyncWorker, workflowBundleOption, createWebhookReceiver, createTestEnvironment, LabelStudioSimulator };
console.log(JSON.stringify(Object.fromEntries(Object.entries(imported).map(([name, value]) => [name, typeof value]))));

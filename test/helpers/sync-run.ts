import type { Client } from '@temporalio/client';
import { runStorageSync, startStorageSync } from '../../src/client/sync-client';
import { SyncWorkflowError } from '../../src/client/sync-failure';
import type { StorageType } from '../../src/labelstudio/storage-types';
import type { SyncPolicy } from '../../src/schema/sync-input';
import { rejectionOf } from './rejection';
import { TEST_CONNECTION } from './temporal';

/**
 * Fast schedules: retries in well under a second, polls at the 1 s floor (the server runs activity
 * retries no more often than that, so clients refuse a shorter poll).
 */
export const FAST: SyncPolicy = {
  poll: { initial: '1s', coefficient: 1.5, max: '1s' },
  retryBackoff: { initial: '100ms', coefficient: 2, max: '1s' },
  stallTimeout: '1m',
  timeout: '2m',
};

export function syncInput(type: StorageType, id: number, policy: SyncPolicy = {}, connection = TEST_CONNECTION) {
  return { connection, storageType: type, storageId: id, policy: { ...FAST, ...policy } };
}

export function runSync(client: Client, taskQueue: string, type: StorageType, id: number, policy: SyncPolicy = {}, connection = TEST_CONNECTION) {
  return runStorageSync(client, syncInput(type, id, policy, connection), { taskQueue });
}

export function startSync(client: Client, taskQueue: string, type: StorageType, id: number, policy: SyncPolicy = {}) {
  return startStorageSync(client, syncInput(type, id, policy), { taskQueue });
}

/** The SyncWorkflowError a sync ended with; fails the test when it succeeded instead. */
export function syncError(promise: Promise<unknown>): Promise<SyncWorkflowError> {
  return rejectionOf(promise, SyncWorkflowError);
}

import { isStorageType, STORAGE_TYPES, type StorageType } from '../labelstudio/storage-types';
import { invalidInput, parseDuration, type Duration } from './duration';

export type OnCompletedWithErrors = 'fail' | 'warn' | 'retry';

/** After a sync that ended well, count the objects at its target: off, report a shortfall, or fail on one. */
export type VerifyTarget = 'off' | 'warn' | 'strict';

export interface Backoff {
  initial?: Duration;
  coefficient?: number;
  max?: Duration;
}

/** How one storage sync is run. Every field is optional; defaults are listed in the README. */
export interface SyncPolicy {
  /** Between status checks while the sync runs. */
  poll?: Backoff;
  /** Overall limit for the whole workflow, every attempt included. */
  timeout?: Duration;
  /** A sync queued or in progress with no visible progress for this long fails as stalled. */
  stallTimeout?: Duration;
  /** Syncs to trigger at most when they end `failed`. */
  maxAttempts?: number;
  /** Durable wait between a failed sync and the next trigger. */
  retryBackoff?: Backoff;
  onCompletedWithErrors?: OnCompletedWithErrors;
  /** When the storage is already syncing, wait for that sync instead of starting another. */
  attachToRunning?: boolean;
  /** Compare the objects at the target with Label Studio's last_sync_count, which counts failed writes too. */
  verifyTarget?: VerifyTarget;
}

export interface SyncExportStorageInput {
  /** A connection name configured on the worker; default `default`. */
  connection?: string;
  storageType: StorageType;
  storageId: number;
  policy?: SyncPolicy;
}

export interface ResolvedBackoff {
  initialMs: number;
  coefficient: number;
  maxMs: number;
}

export interface ResolvedSyncInput {
  connection: string;
  storageType: StorageType;
  storageId: number;
  poll: ResolvedBackoff;
  timeoutMs: number;
  stallTimeoutMs: number;
  maxAttempts: number;
  retryBackoff: ResolvedBackoff;
  onCompletedWithErrors: OnCompletedWithErrors;
  attachToRunning: boolean;
  verifyTarget: VerifyTarget;
}

export const DEFAULT_POLICY = {
  poll: { initial: '2s', coefficient: 1.5, max: '15s' },
  timeout: '6h',
  stallTimeout: '30m',
  maxAttempts: 3,
  retryBackoff: { initial: '1m', coefficient: 2, max: '30m' },
  onCompletedWithErrors: 'fail',
  attachToRunning: true,
  verifyTarget: 'off',
} as const satisfies Required<SyncPolicy>;

/** Checks the input and fills defaults; throws a non-retryable InvalidInput naming the field. */
export function resolveSyncInput(input: SyncExportStorageInput): ResolvedSyncInput {
  if (typeof input !== 'object' || input === null) throw invalidInput('input', 'must be an object');
  const { connection = 'default', storageType, storageId, policy = {} } = input;
  if (typeof connection !== 'string' || !/^[a-z][a-z0-9_-]{0,62}$/.test(connection)) {
    throw invalidInput('connection', `must be a connection name configured on the worker (got ${JSON.stringify(connection)})`);
  }
  if (!isStorageType(storageType)) {
    throw invalidInput('storageType', `must be one of ${STORAGE_TYPES.join(', ')} (got ${JSON.stringify(storageType)})`);
  }
  if (!Number.isSafeInteger(storageId) || storageId <= 0) {
    throw invalidInput('storageId', `must be a positive integer (got ${JSON.stringify(storageId)})`);
  }
  const maxAttempts = policy.maxAttempts ?? DEFAULT_POLICY.maxAttempts;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw invalidInput('policy.maxAttempts', `must be a whole number from 1 to 100 (got ${JSON.stringify(maxAttempts)})`);
  }
  const onCompletedWithErrors = policy.onCompletedWithErrors ?? DEFAULT_POLICY.onCompletedWithErrors;
  if (!['fail', 'warn', 'retry'].includes(onCompletedWithErrors)) {
    throw invalidInput('policy.onCompletedWithErrors', `must be fail, warn or retry (got ${JSON.stringify(onCompletedWithErrors)})`);
  }
  const attachToRunning = policy.attachToRunning ?? DEFAULT_POLICY.attachToRunning;
  if (typeof attachToRunning !== 'boolean') {
    throw invalidInput('policy.attachToRunning', `must be true or false (got ${JSON.stringify(attachToRunning)})`);
  }
  const verifyTarget = policy.verifyTarget ?? DEFAULT_POLICY.verifyTarget;
  if (!['off', 'warn', 'strict'].includes(verifyTarget)) {
    throw invalidInput('policy.verifyTarget', `must be off, warn or strict (got ${JSON.stringify(verifyTarget)})`);
  }
  const timeoutMs = parseDuration(policy.timeout ?? DEFAULT_POLICY.timeout, 'policy.timeout');
  const stallTimeoutMs = parseDuration(policy.stallTimeout ?? DEFAULT_POLICY.stallTimeout, 'policy.stallTimeout');
  if (timeoutMs < 1000) throw invalidInput('policy.timeout', 'must be at least 1s');
  if (stallTimeoutMs < 1000) throw invalidInput('policy.stallTimeout', 'must be at least 1s');
  return {
    connection,
    storageType,
    storageId,
    poll: resolveBackoff(policy.poll, DEFAULT_POLICY.poll, 'policy.poll'),
    timeoutMs,
    stallTimeoutMs,
    maxAttempts,
    retryBackoff: resolveBackoff(policy.retryBackoff, DEFAULT_POLICY.retryBackoff, 'policy.retryBackoff'),
    onCompletedWithErrors,
    attachToRunning,
    verifyTarget,
  };
}

function resolveBackoff(given: Backoff | undefined, fallback: Required<Backoff>, field: string): ResolvedBackoff {
  if (given !== undefined && (typeof given !== 'object' || given === null)) throw invalidInput(field, 'must be an object');
  const initialMs = parseDuration(given?.initial ?? fallback.initial, `${field}.initial`);
  const maxMs = parseDuration(given?.max ?? fallback.max, `${field}.max`);
  const coefficient = given?.coefficient ?? fallback.coefficient;
  if (initialMs < 1) throw invalidInput(`${field}.initial`, 'must be at least 1ms');
  if (typeof coefficient !== 'number' || !(coefficient >= 1) || coefficient > 100) {
    throw invalidInput(`${field}.coefficient`, `must be a number from 1 to 100 (got ${JSON.stringify(coefficient)})`);
  }
  if (maxMs < initialMs) throw invalidInput(`${field}.max`, `must not be below ${field}.initial`);
  return { initialMs, coefficient, maxMs };
}

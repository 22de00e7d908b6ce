import type { ListExportStoragesInput } from '../activities/fan-out-types';
import { isStorageType, STORAGE_TYPES, type StorageType } from '../labelstudio/storage-types';
import { invalidInput } from './duration';
import { resolveSyncInput, type ResolvedBackoff, type SyncPolicy } from './sync-policy';

/** Names one storage of the project. */
export interface StorageSelector {
  type: StorageType;
  id: number;
}

export type FailOn = 'any' | 'none';

/**
 * Which of a project's export storages to sync and how. The filters combine (a storage must pass
 * every one given): `types`, `title` (exact), `titlePattern` (regular expression), `storages` (ids).
 */
export interface SyncProjectExportsInput {
  /** A connection name configured on the worker; default `default`. */
  connection?: string;
  project: number;
  types?: StorageType[];
  title?: string;
  titlePattern?: string;
  /** Only these storages; one the project does not have is reported as failed, not silently dropped. */
  storages?: StorageSelector[];
  /** Storage syncs running at once; default 4. */
  concurrency?: number;
  /** `any` (default): one failed storage fails the workflow (the report in its details); `none`: return the report. */
  failOn?: FailOn;
  /** The policy each storage's syncExportStorage runs with. */
  policy?: SyncPolicy;
}

export interface ResolvedProjectSyncInput {
  connection: string;
  project: number;
  list: ListExportStoragesInput;
  storages: StorageSelector[] | undefined;
  concurrency: number;
  failOn: FailOn;
  policy: SyncPolicy;
  /** Between checks of a sync workflow started elsewhere: the storage policy's poll. */
  poll: ResolvedBackoff;
  /** How long to wait for a sync workflow started elsewhere: the per-storage timeout plus a margin. */
  joinTimeoutMs: number;
}

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 50;
const JOIN_MARGIN_MS = 10 * 60_000;

/** Checks the input and fills defaults; throws a non-retryable InvalidInput naming the field. */
export function resolveProjectSyncInput(input: SyncProjectExportsInput): ResolvedProjectSyncInput {
  if (typeof input !== 'object' || input === null) throw invalidInput('input', 'must be an object');
  const { project, types, title, titlePattern, storages, concurrency = DEFAULT_CONCURRENCY, failOn = 'any', policy = {} } = input;
  if (!Number.isSafeInteger(project) || project <= 0) {
    throw invalidInput('project', `must be a positive integer (got ${JSON.stringify(project)})`);
  }
  // The storage checks reuse syncExportStorage's own validation (connection name, policy).
  const { connection, timeoutMs, poll } = resolveSyncInput({ connection: input.connection, storageType: 's3', storageId: 1, policy });
  if (types !== undefined && (!Array.isArray(types) || types.length === 0 || !types.every(isStorageType))) {
    throw invalidInput('types', `must be a non-empty list of ${STORAGE_TYPES.join(', ')} (got ${JSON.stringify(types)})`);
  }
  if (title !== undefined && typeof title !== 'string') throw invalidInput('title', 'must be a string');
  if (titlePattern !== undefined) checkPattern(titlePattern);
  if (storages !== undefined) checkSelectors(storages);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw invalidInput('concurrency', `must be a whole number from 1 to ${MAX_CONCURRENCY} (got ${JSON.stringify(concurrency)})`);
  }
  if (failOn !== 'any' && failOn !== 'none') throw invalidInput('failOn', `must be any or none (got ${JSON.stringify(failOn)})`);
  return {
    connection,
    project,
    list: { connection, project, types, title, titlePattern },
    storages,
    concurrency,
    failOn,
    policy,
    poll,
    joinTimeoutMs: timeoutMs + JOIN_MARGIN_MS,
  };
}

function checkPattern(pattern: unknown): void {
  if (typeof pattern !== 'string') throw invalidInput('titlePattern', 'must be a string');
  try {
    new RegExp(pattern);
  } catch (err) {
    throw invalidInput('titlePattern', `is not a valid regular expression (${(err as Error).message})`);
  }
}

function checkSelectors(storages: unknown): void {
  if (!Array.isArray(storages) || storages.length === 0) throw invalidInput('storages', 'must be a non-empty list of {type, id}');
  storages.forEach((s: Partial<StorageSelector> | null, i) => {
    if (!isStorageType(s?.type) || !Number.isSafeInteger(s?.id) || s!.id! <= 0) {
      throw invalidInput(`storages[${i}]`, `must be {type: one of ${STORAGE_TYPES.join(', ')}, id: a positive integer} (got ${JSON.stringify(s)})`);
    }
  });
}

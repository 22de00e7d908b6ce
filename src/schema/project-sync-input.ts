import { z } from './zod';
import type { ListExportStoragesInput } from '../activities/fan-out-types';
import { oneOf, positiveId, wholeNumber } from './fields';
import { parseInput } from './invalid-input';
import { strictObject } from './strict-object';
import { DEFAULT_CONCURRENCY, DEFAULT_CONNECTION, DEFAULT_FAIL_ON, JOIN_MARGIN_MS } from '../workflows/input-defaults';
import { MAX_PRIORITY_KEY, SYNC_PRIORITY } from '../workflows/task-priority';
import { connectionName, storageType, syncPolicySchema, type ResolvedBackoff, type SyncPolicy } from './sync-input';

export const MAX_CONCURRENCY = 50;
/** Longer patterns are refused; a title pattern is a filter, not a program. */
export const MAX_TITLE_PATTERN_LENGTH = 500;

export const storageSelectorSchema = strictObject({ type: storageType, id: positiveId });

/**
 * Which of a project's export storages to sync: the filters combine (a storage must pass every one
 * given). Shared by syncProjectExports and the annotation pipeline's `sync`.
 */
export const projectFilterShape = {
  types: z.array(storageType, { error: 'must be a list of storage types' }).min(1, { error: 'must be a non-empty list of storage types' }).optional(),
  /** Only storages whose title is exactly this. */
  title: z.string({ error: 'must be a string' }).optional(),
  /**
   * Only storages whose title matches this RE2 regular expression (unanchored; no lookarounds or
   * backreferences). Its syntax is checked by the client (RE2 needs Node) and by the listing activity.
   */
  titlePattern: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(MAX_TITLE_PATTERN_LENGTH, { error: `must be at most ${MAX_TITLE_PATTERN_LENGTH} characters` })
    .optional(),
  /** Only these storages; one the project does not have is reported as failed, not silently dropped. */
  storages: z.array(storageSelectorSchema, { error: 'must be a list of {type, id}' }).min(1, { error: 'must be a non-empty list of {type, id}' }).optional(),
  /** Storage syncs running at once; default 4. */
  concurrency: wholeNumber(1, MAX_CONCURRENCY).prefault(DEFAULT_CONCURRENCY),
  /** The policy each storage's syncExportStorage runs with. */
  policy: syncPolicySchema.prefault({}),
  /**
   * The Temporal task priority of the storage syncs, 1 (first) to 5 (last). Default: 4 (batch) for a
   * project sync; 2 for the annotation pipeline's syncs, which someone waits for.
   */
  priority: wholeNumber(1, MAX_PRIORITY_KEY).optional(),
};

export const syncProjectExportsInputSchema = strictObject({
  /** A connection name configured on the worker; default `default`. */
  connection: connectionName.prefault(DEFAULT_CONNECTION),
  project: positiveId,
  ...projectFilterShape,
  /** `any` (default): one failed storage fails the workflow (the report in its details); `none`: return the report. */
  failOn: oneOf(['any', 'none']).prefault(DEFAULT_FAIL_ON),
});

export type SyncProjectExportsInput = z.input<typeof syncProjectExportsInputSchema>;
/** Names one storage of the project. */
export type StorageSelector = z.output<typeof storageSelectorSchema>;
export type FailOn = z.output<typeof syncProjectExportsInputSchema>['failOn'];

export interface ResolvedProjectSyncInput {
  connection: string;
  project: number;
  list: ListExportStoragesInput;
  storages: StorageSelector[] | undefined;
  concurrency: number;
  failOn: FailOn;
  /** The policy as given: each storage's own workflow resolves it. */
  policy: SyncPolicy;
  /** The task priority the storage syncs start with (their activities inherit it). */
  priority: number;
  /** Between checks of a sync workflow started elsewhere: the storage policy's poll. */
  poll: ResolvedBackoff;
  /** How long to wait for a sync workflow started elsewhere: the per-storage timeout plus a margin. */
  joinTimeoutMs: number;
}

/** Checks the input and fills defaults; throws a non-retryable InvalidInput naming the field. */
export function resolveProjectSyncInput(input: SyncProjectExportsInput): ResolvedProjectSyncInput {
  const { connection, project, types, title, titlePattern, storages, concurrency, failOn, policy, priority } = parseInput(syncProjectExportsInputSchema, input);
  return {
    connection,
    project,
    list: { connection, project, types, title, titlePattern },
    storages,
    concurrency,
    failOn,
    policy: input.policy ?? {},
    priority: priority ?? SYNC_PRIORITY.batch,
    poll: policy.poll,
    joinTimeoutMs: policy.timeoutMs + JOIN_MARGIN_MS,
  };
}

import { z } from './zod';
import { STORAGE_TYPES } from '../labelstudio/storage-types';
import { duration } from './duration';
import { oneOf, positiveId, wholeNumber } from './fields';
import { parseInput } from './invalid-input';
import { strictObject } from './strict-object';
import { DEFAULT_CONNECTION, DEFAULT_POLICY } from '../workflows/input-defaults';

export { DEFAULT_POLICY };

/**
 * The storage-sync input and its policy as one schema: the types below are derived from it, so the
 * check and the types cannot drift apart. The client checks with it; the worker checks with it what
 * reaches the workflows unchecked (see workflows/resolve-input.ts).
 */

export const MAX_ATTEMPTS = 100;

/** A connection name configured on the worker. */
export const connectionName = z
  .string({ error: 'must be a connection name configured on the worker' })
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'must be a connection name configured on the worker (lower-case letters, digits, - and _)' });

export const storageType = oneOf(STORAGE_TYPES);

function backoff(defaults: { initial: string; coefficient: number; max: string }, initial: z.ZodType<number, string | number>, max: z.ZodType<number, string | number>) {
  return strictObject({
    initial: initial.prefault(defaults.initial),
    coefficient: z
      .number({ error: 'must be a number from 1 to 100' })
      .min(1, { error: 'must be a number from 1 to 100' })
      .max(100, { error: 'must be a number from 1 to 100' })
      .prefault(defaults.coefficient),
    max: max.prefault(defaults.max),
  })
    .check((ctx) => {
      const { initial, max } = ctx.value;
      if (max < initial) ctx.issues.push({ code: 'custom', message: `must not be below initial (${max} ms < ${initial} ms)`, input: undefined, path: ['max'] });
    })
    .transform((b) => ({ initialMs: b.initial, coefficient: b.coefficient, maxMs: b.max }));
}

export const syncPolicySchema = strictObject({
  /** Between status checks while the sync runs. */
  poll: backoff(DEFAULT_POLICY.poll, duration('1ms', '1h'), duration('1ms', '1h')).prefault({}),
  /** Overall limit for the whole workflow, every attempt included. */
  timeout: duration('1s', '30d').prefault(DEFAULT_POLICY.timeout),
  /** A sync queued or in progress with no visible progress for this long fails as stalled. */
  stallTimeout: duration('1s', '30d').prefault(DEFAULT_POLICY.stallTimeout),
  /** Fail fast once Label Studio has not answered at all for this long; unset (default), wait within `timeout`. */
  unreachableTimeout: duration('1s', '30d').optional(),
  /** Syncs to trigger at most when they end `failed`. */
  maxAttempts: wholeNumber(1, MAX_ATTEMPTS).prefault(DEFAULT_POLICY.maxAttempts),
  /** Durable wait between a failed sync and the next trigger. */
  retryBackoff: backoff(DEFAULT_POLICY.retryBackoff, duration('1ms', '1d'), duration('1ms', '1d')).prefault({}),
  onCompletedWithErrors: oneOf(['fail', 'warn', 'retry']).prefault(DEFAULT_POLICY.onCompletedWithErrors),
  /** When the storage is already syncing, wait for that sync instead of starting another. */
  attachToRunning: z.boolean({ error: 'must be true or false' }).prefault(DEFAULT_POLICY.attachToRunning),
  /** After a sync that ended well, count the objects at its target: off, report a shortfall (warn), or fail on one (strict). */
  verifyTarget: oneOf(['off', 'warn', 'strict']).prefault(DEFAULT_POLICY.verifyTarget),
  /** How verifyTarget checks: the number of objects (count), or every key the sync should have written (keys). */
  verifyBy: oneOf(['count', 'keys']).prefault(DEFAULT_POLICY.verifyBy),
}).transform(({ timeout, stallTimeout, unreachableTimeout, ...rest }) => ({
  ...rest,
  timeoutMs: timeout,
  stallTimeoutMs: stallTimeout,
  ...(unreachableTimeout !== undefined && { unreachableTimeoutMs: unreachableTimeout }),
}));

export const syncExportStorageInputSchema = strictObject({
  /** A connection name configured on the worker; default `default`. */
  connection: connectionName.prefault(DEFAULT_CONNECTION),
  storageType,
  storageId: positiveId,
  policy: syncPolicySchema.prefault({}),
}).transform(({ policy, ...target }) => ({ ...target, ...policy }));

/** How one storage sync is run. Every field is optional; defaults are listed in docs/configuration.md, Sync policy. */
export type SyncPolicy = z.input<typeof syncPolicySchema>;
export type Backoff = NonNullable<SyncPolicy['poll']>;
export type OnCompletedWithErrors = z.output<typeof syncPolicySchema>['onCompletedWithErrors'];
/** After a sync that ended well, count the objects at its target: off, report a shortfall, or fail on one. */
export type VerifyTarget = z.output<typeof syncPolicySchema>['verifyTarget'];
export type SyncExportStorageInput = z.input<typeof syncExportStorageInputSchema>;
export type ResolvedSyncInput = z.output<typeof syncExportStorageInputSchema>;
export type ResolvedBackoff = ResolvedSyncInput['poll'];

/** Checks the input and fills defaults; throws a non-retryable InvalidInput naming the field. */
export function resolveSyncInput(input: SyncExportStorageInput): ResolvedSyncInput {
  return parseInput(syncExportStorageInputSchema, input);
}

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ConfigError } from '../config/config-error';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { countTarget } from '../targets/count-target';
import { redactAddresses } from '../targets/redact';
import { loadTargetConfig } from '../targets/target-config';
import { PermanentTargetError, type TargetCount } from '../targets/target-count';
import { resolveClient } from './resolve-client';
import { asActivity } from './to-failure';
import type { StorageRef } from './types';

/** The activity failure type of a count that could not be made; the workflow reports it, it does not branch on it. */
const TARGET_COUNT_FAILED = 'TargetCountFailed';

/**
 * Counts the objects at a storage's target (bucket and prefix, folder, Redis db). Where the target is
 * comes from Label Studio, how to reach it from the worker's environment read at call time, so the
 * workflow passes only the storage's name and the worker needs no target settings until it verifies.
 */
export function createCountTargetObjects(registry: LabelStudioClientRegistry) {
  return async function countTargetObjects(ref: StorageRef): Promise<TargetCount> {
    const client = resolveClient(registry, ref.connection);
    const storage = await asActivity(() => client.getExportStorage(ref.type, ref.id));
    try {
      return await countTarget(ref.type, storage, loadTargetConfig(ref.connection), (n) => Context.current().heartbeat(n));
    } catch (err) {
      const permanent = err instanceof PermanentTargetError || err instanceof ConfigError;
      const message = `${ref.type} storage ${ref.id}: ${redactAddresses(describeError(err))}`;
      throw ApplicationFailure.create({ message, type: TARGET_COUNT_FAILED, nonRetryable: permanent });
    }
  };
}

/** The client's error code or name (NoSuchBucket, ECONNREFUSED, 404) says more than most messages. */
function describeError(err: unknown): string {
  const { name, code, message } = (err ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(err);
  const label = typeof code === 'string' || typeof code === 'number' ? String(code) : typeof name === 'string' && !name.endsWith('Error') ? name : '';
  return label && !text.includes(label) ? `${label}: ${text}` : text;
}

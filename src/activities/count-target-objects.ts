import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ConfigError } from '../config/config-error';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { countTarget, listTargetKeys } from '../targets/count-target';
import { ExportKeyIndex, KeyComparison, type KeyCheck } from '../targets/export-keys';
import { redactAddresses } from '../targets/redact';
import { loadTargetConfig } from '../targets/target-config';
import { PermanentTargetError, type TargetCount } from '../targets/target-count';
import { resolveClient } from './resolve-client';
import { asActivity } from './to-failure';
import type { StorageRef } from './types';

/** The activity failure type of a check that could not be made; the workflow reports it, it does not branch on it. */
const TARGET_COUNT_FAILED = 'TargetCountFailed';

/** Tasks per page of Label Studio's task list: each carries its annotations, and answers are capped in size. */
const TASK_PAGE_SIZE = 250;

/**
 * Counts the objects at a storage's target (bucket and prefix, folder, Redis db). Where the target is
 * comes from Label Studio, how to reach it from the worker's environment read at call time, so the
 * workflow passes only the storage's name and the worker needs no target settings until it verifies.
 */
export function createCountTargetObjects(registry: LabelStudioClientRegistry) {
  return async function countTargetObjects(ref: StorageRef): Promise<TargetCount> {
    const client = resolveClient(registry, ref.connection);
    const storage = await asActivity(() => client.getExportStorage(ref.type, ref.id));
    return asTargetCheck(ref, () => countTarget(ref.type, storage, loadTargetConfig(ref.connection), (n) => Context.current().heartbeat(n)));
  };
}

/**
 * Checks the target key by key: the keys of the annotations (or tasks) that existed when the storage's
 * last sync was queued, as Label Studio's task list names them, against the keys under the storage's
 * prefix. Both listings are paged and heartbeat after every page; a retry starts over, which repeats
 * reads only.
 */
export function createVerifyTargetKeys(registry: LabelStudioClientRegistry) {
  return async function verifyTargetKeys(ref: StorageRef): Promise<KeyCheck> {
    const started = Date.now();
    const client = resolveClient(registry, ref.connection);
    const storage = await asActivity(() => client.getExportStorage(ref.type, ref.id));
    const meta: Record<string, unknown> = storage.meta ?? {};
    const since = [meta.time_queued, meta.time_in_progress].find((t): t is string => typeof t === 'string') ?? null;
    const config = await asTargetCheck(ref, async () => loadTargetConfig(ref.connection));
    const index = new ExportKeyIndex(config.keys, since);
    let labelStudioRequests = 1;
    for (let page = 1, listed = 0; ; page += 1) {
      const tasks = await asActivity(() => client.getTaskPage(storage.project, page, TASK_PAGE_SIZE));
      labelStudioRequests += 1;
      index.add(tasks.tasks);
      listed += tasks.tasks.length;
      Context.current().heartbeat({ phase: 'label-studio', tasks: listed });
      if (tasks.tasks.length === 0 || listed >= tasks.total) break;
    }
    return asTargetCheck(ref, async () => {
      const listing = await listTargetKeys(ref.type, storage, config);
      const comparison = new KeyComparison(index);
      let targetRequests = 0;
      let keys = 0;
      for await (const page of listing.pages) {
        targetRequests += 1;
        keys += page.length;
        comparison.add(page);
        Context.current().heartbeat({ phase: 'target', keys });
      }
      return comparison.result(listing.target, { labelStudioRequests, targetRequests, durationMs: Date.now() - started });
    });
  };
}

/** A target that cannot be reached or read fails the activity, retried unless retrying cannot help; no address in the message. */
async function asTargetCheck<T>(ref: StorageRef, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    const permanent = err instanceof PermanentTargetError || err instanceof ConfigError;
    const message = `${ref.type} storage ${ref.id}: ${redactAddresses(describeError(err))}`;
    throw ApplicationFailure.create({ message, type: TARGET_COUNT_FAILED, nonRetryable: permanent });
  }
}

/** The client's error code or name (NoSuchBucket, ECONNREFUSED, 404) says more than most messages. */
function describeError(err: unknown): string {
  const { name, code, message } = (err ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(err);
  const label = typeof code === 'string' || typeof code === 'number' ? String(code) : typeof name === 'string' && !name.endsWith('Error') ? name : '';
  return label && !text.includes(label) ? `${label}: ${text}` : text;
}

import { msToNumber } from '@temporalio/common/lib/time';
import type { Duration } from '../schema/duration';
import type { AnnotationPipelineInput, ResolvedPipelineInput } from '../schema/pipeline-input';
import type { ResolvedProjectSyncInput, SyncProjectExportsInput } from '../schema/project-sync-input';
import type { Backoff, ResolvedBackoff, ResolvedSyncInput, SyncExportStorageInput, SyncPolicy } from '../schema/sync-input';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_CONNECTION,
  DEFAULT_DOWNSTREAM_WHEN,
  DEFAULT_FAIL_ON,
  DEFAULT_POLICY,
  JOIN_MARGIN_MS,
  PIPELINE_DEFAULTS,
} from './input-defaults';
import { SYNC_PRIORITY } from './task-priority';

/*
 * What the schemas in src/schema return, for an input they have already accepted: defaults filled,
 * durations in milliseconds. Plain code, so the workflow sandbox never loads zod; a test holds both
 * to the same result for every valid input it knows.
 */

const ms = (d: Duration): number => msToNumber(typeof d === 'string' ? (d.trim() as Parameters<typeof msToNumber>[0]) : d);

function backoff(given: Backoff | undefined, defaults: { initial: string; coefficient: number; max: string }): ResolvedBackoff {
  return { initialMs: ms(given?.initial ?? defaults.initial), coefficient: given?.coefficient ?? defaults.coefficient, maxMs: ms(given?.max ?? defaults.max) };
}

function policyOf(p: SyncPolicy = {}): Omit<ResolvedSyncInput, 'connection' | 'storageType' | 'storageId'> {
  return {
    poll: backoff(p.poll, DEFAULT_POLICY.poll),
    maxAttempts: p.maxAttempts ?? DEFAULT_POLICY.maxAttempts,
    retryBackoff: backoff(p.retryBackoff, DEFAULT_POLICY.retryBackoff),
    onCompletedWithErrors: p.onCompletedWithErrors ?? DEFAULT_POLICY.onCompletedWithErrors,
    attachToRunning: p.attachToRunning ?? DEFAULT_POLICY.attachToRunning,
    verifyTarget: p.verifyTarget ?? DEFAULT_POLICY.verifyTarget,
    verifyBy: p.verifyBy ?? DEFAULT_POLICY.verifyBy,
    timeoutMs: ms(p.timeout ?? DEFAULT_POLICY.timeout),
    stallTimeoutMs: ms(p.stallTimeout ?? DEFAULT_POLICY.stallTimeout),
    ...(p.unreachableTimeout !== undefined && { unreachableTimeoutMs: ms(p.unreachableTimeout) }),
  };
}

export function syncInputDefaults({ connection, storageType, storageId, policy }: SyncExportStorageInput): ResolvedSyncInput {
  return { connection: connection ?? DEFAULT_CONNECTION, storageType, storageId, ...policyOf(policy) };
}

export function projectSyncInputDefaults(input: SyncProjectExportsInput): ResolvedProjectSyncInput {
  const connection = input.connection ?? DEFAULT_CONNECTION;
  const { project, types, title, titlePattern, storages } = input;
  const policy = policyOf(input.policy);
  return {
    connection,
    project,
    list: { connection, project, types, title, titlePattern },
    storages,
    concurrency: input.concurrency ?? DEFAULT_CONCURRENCY,
    failOn: input.failOn ?? DEFAULT_FAIL_ON,
    policy: input.policy ?? {},
    priority: input.priority ?? SYNC_PRIORITY.batch,
    poll: policy.poll,
    joinTimeoutMs: policy.timeoutMs + JOIN_MARGIN_MS,
  };
}

export function pipelineInputDefaults(input: AnnotationPipelineInput): ResolvedPipelineInput {
  const { downstream } = input;
  return {
    connection: input.connection ?? DEFAULT_CONNECTION,
    project: input.project,
    quietMs: ms(input.quietPeriod ?? PIPELINE_DEFAULTS.quietPeriod),
    maxWaitMs: ms(input.maxWait ?? PIPELINE_DEFAULTS.maxWait),
    reconcileMs: ms(input.reconcileEvery ?? PIPELINE_DEFAULTS.reconcileEvery),
    idleEndMs: ms(input.endAfterIdle ?? PIPELINE_DEFAULTS.endAfterIdle),
    sync: input.sync ?? {},
    downstream: downstream
      ? { workflowType: downstream.workflowType.trim(), taskQueue: downstream.taskQueue.trim(), when: downstream.when ?? DEFAULT_DOWNSTREAM_WHEN }
      : null,
    batchesPerRun: input.batchesPerRun ?? PIPELINE_DEFAULTS.batchesPerRun,
  };
}

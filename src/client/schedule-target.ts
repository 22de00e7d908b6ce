import type { SearchAttributePair } from '@temporalio/common';
import type { StorageType } from '../labelstudio/storage-types';
import { projectKey } from '../workflows/project-ids';
import type { SyncProjectExportsInput } from '../schema/project-sync-input';
import { PROJECT_KEY, STORAGE_KEY } from '../workflows/search-attributes';
import type { SyncExportStorageInput } from '../schema/sync-input';
import { problemOf } from '../schema/invalid-input';
import { checkProjectSyncInput, checkSyncInput } from './check-input';
import { storageKey } from '../workflows/workflow-ids';
import { InvalidScheduleError } from './invalid-schedule';

/** What a schedule runs: one storage's sync, or a project fan-out. */
export type ScheduleTarget =
  /** `project` only tags the schedule (the storage input does not name it). */
  | { kind: 'storage'; input: SyncExportStorageInput; project?: number }
  | { kind: 'project'; input: SyncProjectExportsInput };

/** Kept in the schedule's memo (key `labelStudio`) and its runs' memo: what it syncs, readable without decoding args. */
export interface ScheduleTargetMemo {
  kind: ScheduleTarget['kind'];
  connection: string;
  project: number | null;
  storageType: StorageType | null;
  storageId: number | null;
}

export const MEMO_KEY = 'labelStudio';

export interface CompiledTarget {
  workflowType: 'scheduledStorageSync' | 'syncProjectExports';
  args: [SyncExportStorageInput] | [SyncProjectExportsInput];
  memo: ScheduleTargetMemo;
  searchAttributes: SearchAttributePair[];
}

/** Validates the workflow input the way the workflow will, so a bad one is refused at create time. */
export function compileTarget(target: ScheduleTarget): CompiledTarget {
  if (target?.kind === 'storage') {
    const { connection, storageType, storageId } = asScheduleError(() => checkSyncInput(target.input));
    const project = target.project ?? null;
    if (project !== null && !(Number.isSafeInteger(project) && project > 0)) throw new InvalidScheduleError('target.project', `must be a positive integer (got ${JSON.stringify(project)})`);
    return {
      // Not syncExportStorage itself: a schedule names its runs after itself, not after the storage.
      workflowType: 'scheduledStorageSync',
      args: [target.input],
      memo: { kind: 'storage', connection, project, storageType, storageId },
      searchAttributes: [
        { key: STORAGE_KEY, value: storageKey(connection, storageType, storageId) },
        ...(project === null ? [] : [{ key: PROJECT_KEY, value: projectKey(connection, project) }]),
      ],
    };
  }
  if (target?.kind === 'project') {
    const { connection, project } = asScheduleError(() => checkProjectSyncInput(target.input));
    return {
      workflowType: 'syncProjectExports',
      args: [target.input],
      memo: { kind: 'project', connection, project, storageType: null, storageId: null },
      searchAttributes: [{ key: PROJECT_KEY, value: projectKey(connection, project) }],
    };
  }
  throw new InvalidScheduleError('target.kind', `must be storage or project (got ${JSON.stringify((target as { kind?: unknown })?.kind)})`);
}

function asScheduleError<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (err) {
    const found = problemOf(err);
    throw found ? new InvalidScheduleError(`target.input.${found.field}`, found.problem) : err;
  }
}

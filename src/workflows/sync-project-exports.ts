import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { Activities, StorageSummary } from '../activities';
import { FailureType } from '../failure-types';
import { mapBounded } from './bounded';
import { projectKey } from './project-ids';
import type { ResolvedProjectSyncInput, SyncProjectExportsInput } from '../schema/project-sync-input';
import { projectSyncInputDefaults } from './fill-defaults';
import { resolveInput } from './resolve-input';
import {
  countResults,
  projectOutcome,
  PROJECT_SYNC_FAILED,
  projectSyncStateQuery,
  type ProjectSyncOutcome,
  type ProjectSyncReport,
  type ProjectSyncState,
  type StorageSyncEntry,
} from './project-sync-report';
import { PROJECT_KEY, STORAGE_KEY, SYNC_STATUS } from './search-attributes';
import { CANCELLATION_REPORT_MEMO } from './sync-report';
import { syncStorageAsChild } from './sync-storage-child';
import { storageKey, syncWorkflowId } from './workflow-ids';
import { declareVersioningBehavior } from './versioning-behavior';

/**
 * From this id on, the listing's first try is a local activity that, when the connection has a request
 * budget, lists nothing and names the budget queue: the listing then runs there, within the budget (a
 * nightly schedule fans out over many projects at once). Without a budget it lists: one event, not six.
 */
export const ROUTED_LISTING_PATCH = 'lst-19-routed-listing';

const LISTING = {
  startToCloseTimeout: '5m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
} as const;
const { listExportStorages: listLocally } = proxyLocalActivities<Activities>({ startToCloseTimeout: '1m', retry: { maximumAttempts: 1 } });

/**
 * Syncs a project's export storages (those the filters select), each as its own syncExportStorage
 * child, `concurrency` at a time. Every storage gets an entry; one failure never hides the others.
 */
export async function syncProjectExports(input: SyncProjectExportsInput): Promise<ProjectSyncReport> {
  const cfg = await resolveInput('syncProjectExports', input, projectSyncInputDefaults);
  const startedAt = new Date().toISOString();
  // Tag children (and the status) only when this run is tagged: then the server knows the attributes.
  const tracked = workflowInfo().typedSearchAttributes.get(PROJECT_KEY) !== undefined;
  const setStatus = (status: string) => tracked && upsertSearchAttributes([{ key: SYNC_STATUS, value: status }]);
  const state: ProjectSyncState = { phase: 'listing', total: 0, running: [], done: [] };
  setHandler(projectSyncStateQuery, () => ({ ...state, running: [...state.running], done: [...state.done] }));
  setStatus('running');

  const listed = await list(cfg);
  const { selected, missing } = select(cfg, listed);
  state.phase = 'syncing';
  state.total = selected.length + missing.length;
  const synced = await mapBounded(selected, cfg.concurrency, async (storage) => {
    const attributes = tracked ? childAttributes(cfg, storage) : undefined;
    const entry = await syncStorageAsChild(cfg, storage, attributes, (id) => state.running.push(id));
    state.running = state.running.filter((id) => id !== entry.workflowId);
    state.done.push(entry);
    return entry;
  });
  state.phase = 'done';

  const entries = [...synced, ...missing];
  const counts = countResults(entries);
  const outcome: ProjectSyncOutcome = projectOutcome(counts);
  const report: ProjectSyncReport = {
    connection: cfg.connection,
    project: cfg.project,
    outcome,
    counts,
    storages: entries,
    warnings: entries.length === 0 ? [`no export storage of project ${cfg.project} matched the filters`] : [],
    startedAt,
    endedAt: new Date().toISOString(),
  };
  if (CancellationScope.current().consideredCancelled) {
    setStatus('cancelled');
    // A cancelled workflow closes without details, so the report goes into its memo (as syncExportStorage does).
    upsertMemo({ [CANCELLATION_REPORT_MEMO]: report });
    throw new CancelledFailure(`project sync of project ${cfg.project} cancelled`);
  }
  setStatus(outcome);
  if (cfg.failOn === 'any' && counts.failed > 0) {
    throw ApplicationFailure.create({ type: PROJECT_SYNC_FAILED, nonRetryable: true, message: failureMessage(report), details: [report] });
  }
  return report;
}
// Auto-upgrading: it moves to the current worker version at its next workflow task, so the syncs it
// starts after a release run the new code and the old version drains in one sync's time, not a whole
// project's. It does not continue as new: a change to it still needs patched() (docs/upgrades.md).
declareVersioningBehavior(syncProjectExports, 'AUTO_UPGRADE');

async function list(cfg: ResolvedProjectSyncInput): Promise<StorageSummary[]> {
  try {
    let taskQueue: string | undefined;
    if (patched(ROUTED_LISTING_PATCH)) {
      try {
        const listed = await listLocally(cfg.list, { routed: true });
        if (Array.isArray(listed)) return listed;
        taskQueue = listed.requestQueue;
      } catch (err) {
        // A try that failed for a reason that may pass hands over to the activity and its retries.
        const failure = err instanceof ActivityFailure ? err.cause : err;
        if (isCancellation(err) || (failure instanceof ApplicationFailure && failure.nonRetryable)) throw err;
      }
    }
    return await proxyActivities<Activities>({ ...LISTING, ...(taskQueue && { taskQueue }) }).listExportStorages(cfg.list);
  } catch (err) {
    // A local activity's failure can reach the workflow bare, not wrapped in an ActivityFailure.
    if (!(err instanceof ActivityFailure || err instanceof ApplicationFailure)) throw err;
    const cause = err instanceof ActivityFailure ? err.cause : err;
    throw ApplicationFailure.create({
      type: cause instanceof ApplicationFailure && cause.type ? cause.type : FailureType.LabelStudio,
      nonRetryable: true,
      message: `cannot list the export storages of project ${cfg.project}: ${cause?.message ?? err.message}`,
      cause: err,
    });
  }
}

/** Applies the `storages` selection; a selected storage the listing lacks becomes a failed entry. */
function select(cfg: ResolvedProjectSyncInput, listed: StorageSummary[]): { selected: StorageSummary[]; missing: StorageSyncEntry[] } {
  if (!cfg.storages) return { selected: listed, missing: [] };
  const wanted = (s: { type: string; id: number }) => cfg.storages!.some((w) => w.type === s.type && w.id === s.id);
  const selected = listed.filter(wanted);
  const missing = cfg.storages
    .filter((w) => !selected.some((s) => s.type === w.type && s.id === w.id))
    .map(
      (w): StorageSyncEntry => ({
        storage: { type: w.type, id: w.id, title: null },
        workflowId: syncWorkflowId(cfg.connection, w.type, w.id),
        joined: false,
        result: 'failed',
        report: null,
        error: { type: `${FailureType.LabelStudio}.not_found`, message: `project ${cfg.project} has no ${w.type} export storage ${w.id} matching the filters` },
      }),
    );
  return { selected, missing };
}

function childAttributes(cfg: ResolvedProjectSyncInput, s: StorageSummary): SearchAttributePair[] {
  return [
    { key: STORAGE_KEY, value: storageKey(cfg.connection, s.type, s.id) },
    { key: PROJECT_KEY, value: projectKey(cfg.connection, cfg.project) },
  ];
}

function failureMessage(report: ProjectSyncReport): string {
  const failures = report.storages
    .filter((e) => e.result === 'failed')
    .map((e) => `${e.storage.type} ${e.storage.id}: ${e.error?.message ?? 'failed'}`);
  const shown = failures.slice(0, 5).join('; ') + (failures.length > 5 ? `; and ${failures.length - 5} more` : '');
  return `${report.counts.failed} of ${report.counts.total} export storages of project ${report.project} failed (${shown})`;
}

import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  proxyActivities,
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

const { listExportStorages } = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

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
    return await listExportStorages(cfg.list);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const cause = err.cause;
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

import { CancellationScope, ParentClosePolicy, TemporalFailure, log, patched, startChild, workflowInfo } from '@temporalio/workflow';
import type { StorageRef } from '../activities';
import type { LineageCheck, LineageEventInput, LineageEventType } from '../lineage/run-event';
import { emitLineageEvent } from './emit-lineage-event';
import type { SyncReport } from './sync-report';

/** Syncs from this id on emit OpenLineage events when their worker has lineage on. */
export const LINEAGE_PATCH = 'lst-20-openlineage';

/** Set by a project fan-out on its children: the job it runs as, which their events name as their parent's. */
export const LINEAGE_PARENT_MEMO = 'labelStudioLineageParentJob';

/**
 * The OpenLineage events of one sync run: START once the first read says the worker has lineage on,
 * then COMPLETE, FAIL or ABORT. Each goes out as an abandoned child workflow: the sync waits for the
 * server to start it, never for the endpoint, so a lineage endpoint that is slow or down cannot fail
 * or delay the sync's result. A sync whose worker has lineage off issues no command for it.
 */
export class RunLineage {
  /** Resolves once START's child has started (or failed to): set only when lineage is on. */
  private started: Promise<void> | undefined;
  private project: number | null = null;

  constructor(private readonly ref: StorageRef) {}

  /** Not awaited: the trigger goes ahead while the server starts the event's workflow. */
  start(project: number, lineageOn: boolean): void {
    if (!lineageOn || !patched(LINEAGE_PATCH)) return;
    this.project = project;
    this.started = this.emit({ eventType: 'START' });
  }

  completed(report: SyncReport): Promise<void> {
    return this.end({ eventType: 'COMPLETE', rowCount: report.final?.lastSyncCount ?? null, checks: lineageChecks(report) });
  }

  /** Only a failure that ends the workflow ends the run; the message is the one the sync fails with. */
  failed(err: unknown): Promise<void> {
    if (!(err instanceof TemporalFailure)) return Promise.resolve();
    const report = (err as { details?: unknown[] }).details?.[0] as SyncReport | undefined;
    return this.end({ eventType: 'FAIL', error: err.message, checks: report ? lineageChecks(report) : [] });
  }

  aborted(): Promise<void> {
    return this.end({ eventType: 'ABORT' });
  }

  private async end(fields: Partial<LineageEventInput> & { eventType: LineageEventType }): Promise<void> {
    if (!this.started) return;
    await this.started;
    await this.emit(fields);
  }

  private async emit(fields: Partial<LineageEventInput> & { eventType: LineageEventType }): Promise<void> {
    const info = workflowInfo();
    const parentJob = info.memo?.[LINEAGE_PARENT_MEMO];
    const input: LineageEventInput = {
      eventTime: new Date().toISOString(),
      runId: info.runId,
      ref: this.ref,
      project: this.project,
      ...(info.parent && typeof parentJob === 'string' && { parent: { runId: info.parent.runId, job: parentJob } }),
      ...fields,
    };
    try {
      // Not cancellable: a cancelled sync still reports ABORT.
      await CancellationScope.nonCancellable(() =>
        startChild(emitLineageEvent, {
          workflowId: `${info.workflowId}/lineage/${info.runId}/${fields.eventType.toLowerCase()}`,
          args: [input],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        }),
      );
    } catch (err) {
      log.warn('OpenLineage event not started', { eventType: fields.eventType, error: (err as Error).message });
    }
  }
}

/** The data-quality assertions of a run: what the sync verified at its target. */
function lineageChecks(report: SyncReport): LineageCheck[] {
  const checks: LineageCheck[] = [];
  const found = report.verification;
  if (found && found.status !== 'unverified') {
    checks.push({ assertion: found.check === 'keys' ? 'target_keys_present' : 'target_object_count', success: found.status === 'verified' });
  }
  return checks;
}

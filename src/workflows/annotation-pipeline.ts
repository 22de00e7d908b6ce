import { allHandlersFinished, condition, continueAsNew, patched, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { ProjectCounters } from '../labelstudio/project-counters';
import { annotationEventsSignal } from './annotation-events';
import { markDelivery, type JournalMarks } from './journal-deliveries';
import { addEvents, batchDueAt, type PendingBatch } from './pipeline-batch';
import { pipelineInputDefaults } from './fill-defaults';
import { IDLE_END_PATCH, PROJECT_CHECK_PATCH, projectMissing, type PipelineEnd } from './pipeline-end';
import { countersDiffer, readCounters, RECONCILE_PATCH, reconcileBatch } from './pipeline-reconcile';
import { runBatch } from './pipeline-run-batch';
import { resolveInput } from './resolve-input';
import { pipelineStateQuery, type AnnotationPipelineInput, type BatchRecord, type PipelinePhase } from './pipeline-types';
import { PROJECT_KEY } from './search-attributes';
import { declareVersioningBehavior } from './versioning-behavior';

const RECENT_BATCHES = 10;

/**
 * One per project, fed by webhook signals: debounces events into batches, syncs the project's
 * exports for each batch, starts the downstream workflow with the report, then waits for the next.
 * Continues as new every `batchesPerRun` batches (or when Temporal suggests it) so its history stays
 * bounded over months; events that arrived meanwhile travel in the new run's input.
 * Label Studio never resends a webhook, so after `reconcileEvery` without events the pipeline reads
 * the project's annotation counters and runs a batch when they moved since its last batch read them:
 * a lost webhook delays a batch instead of dropping it.
 * It ends only when Label Studio says its project does not exist (checked when it starts), or after
 * `endAfterIdle` without a batch (when set); the result says which.
 */
export async function annotationPipeline(input: AnnotationPipelineInput): Promise<PipelineEnd> {
  const tracked = workflowInfo().typedSearchAttributes.get(PROJECT_KEY) !== undefined;
  const carry = (input as AnnotationPipelineInput | null | undefined)?.carry; // read before the input is checked
  let pending: PendingBatch | null = carry?.pending ?? null;
  let batchesDone = carry?.batchesDone ?? 0;
  let recent: BatchRecord[] = carry?.recent ?? [];
  let seen: ProjectCounters | null = carry?.seen ?? null;
  let journals: JournalMarks = carry?.journals ?? {};
  let runBatches = 0;
  let phase: PipelinePhase = 'idle';

  setHandler(annotationEventsSignal, (received) => {
    const marks = markDelivery(journals, received);
    if (marks === null) return; // a receiver's journal resent a delivery this pipeline already counted
    journals = marks;
    pending = addEvents(pending, received, Date.now());
  });
  setHandler(pipelineStateQuery, () => ({ phase, pending, batchesDone, runBatches, recent, seen }));
  // After the handlers: checking an input no client of ours checked takes a local activity, and
  // events and queries may come meanwhile.
  const cfg = await resolveInput('annotationPipeline', input, pipelineInputDefaults);
  // Decided once per run: histories recorded before the reconciliation replay without it.
  const reconciles = patched(RECONCILE_PATCH) && cfg.reconcileMs > 0;
  const end = (ended: PipelineEnd['ended'], reason: string): PipelineEnd => ({ ended, project: cfg.project, reason, batchesDone });
  // The first run only: a run continued as new had its project.
  if (carry === undefined && patched(PROJECT_CHECK_PATCH) && (await projectMissing(cfg))) {
    return end('project-not-found', `Label Studio has no project ${cfg.project} on connection ${cfg.connection} (404): nothing to sync`);
  }
  const idleEnds = cfg.idleEndMs > 0 && patched(IDLE_END_PATCH);
  let idleSince = Date.now();

  const woken = () => pending !== null || workflowInfo().continueAsNewSuggested;
  for (;;) {
    phase = 'idle';
    // Woken by whichever comes first: the reconciliation's timer or the end of the idle period.
    const idleLeft = idleEnds ? idleSince + cfg.idleEndMs - Date.now() : Infinity;
    const timeout = Math.min(reconciles ? cfg.reconcileMs : Infinity, idleLeft);
    if (timeout === Infinity) await condition(woken);
    else if (!(await condition(woken, Math.max(1, timeout)))) {
      if (idleEnds && Date.now() - idleSince >= cfg.idleEndMs) {
        await condition(allHandlersFinished);
        if (pending === null) return end('idle', `no batch for ${cfg.idleEndMs} ms (endAfterIdle); the next event starts a new pipeline`);
        continue; // an event came as the timer fired
      }
      phase = 'reconciling';
      const now = await readCounters(cfg);
      if (now && seen && countersDiffer(seen, now)) pending ??= reconcileBatch(Date.now());
      seen ??= now; // a run carrying no counters takes its first reading as the baseline
      continue;
    }
    if (pending === null) break; // idle and asked to start afresh

    phase = 'debouncing';
    const dueIn = () => batchDueAt(pending!, cfg.quietMs, cfg.maxWaitMs) - Date.now();
    // One timer per quiet period, not one per event: events during a sleep just move the due time on.
    for (let wait = dueIn(); wait > 0; wait = dueIn()) await sleep(wait);

    const batch: PendingBatch = pending!;
    pending = null;
    batchesDone += 1;
    phase = 'syncing';
    // Read before the sync: whatever moves the counters after this, the sync may miss, so the next reconciliation looks.
    if (reconciles) seen = (await readCounters(cfg)) ?? seen;
    const record = await runBatch(cfg, batch, batchesDone, tracked);
    recent = [...recent, record].slice(-RECENT_BATCHES);
    runBatches += 1;
    idleSince = Date.now();
    if (runBatches >= cfg.batchesPerRun || workflowInfo().continueAsNewSuggested) break;
  }

  // Signal handlers are synchronous, so this is immediate; it keeps the rule explicit should one become async.
  await condition(allHandlersFinished);
  // Read `pending` only now: every signal delivered up to this point is in it. One that arrives while
  // this task completes makes the server reject the continue-as-new and replay with it included.
  return continueAsNew<typeof annotationPipeline>({ ...input, carry: { pending, batchesDone, recent, seen, journals } });
}
// Auto-upgrading: a pipeline lives for months, so it cannot hold an old worker version; it moves to the
// current one at its next workflow task. Each run continues as new after a few batches, so a patch in
// it is needed only by the runs that started before the change (docs/upgrades.md).
declareVersioningBehavior(annotationPipeline, 'AUTO_UPGRADE');

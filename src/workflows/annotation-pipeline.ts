import { allHandlersFinished, condition, continueAsNew, defineQuery, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { annotationEventsSignal } from './annotation-events';
import { addEvents, batchDueAt, type PendingBatch } from './pipeline-batch';
import { resolvePipelineInput } from './pipeline-input';
import { runBatch } from './pipeline-run-batch';
import type { AnnotationPipelineInput, BatchRecord, PipelinePhase, PipelineState } from './pipeline-types';
import { PROJECT_KEY } from './search-attributes';

export const pipelineStateQuery = defineQuery<PipelineState>('pipelineState');

const RECENT_BATCHES = 10;

/**
 * One per project, fed by webhook signals: debounces events into batches, syncs the project's
 * exports for each batch, starts the downstream workflow with the report, then waits for the next.
 * Continues as new every `batchesPerRun` batches (or when Temporal suggests it) so its history stays
 * bounded over months; events that arrived meanwhile travel in the new run's input.
 */
export async function annotationPipeline(input: AnnotationPipelineInput): Promise<never> {
  const cfg = resolvePipelineInput(input);
  const tracked = workflowInfo().typedSearchAttributes.get(PROJECT_KEY) !== undefined;
  let pending: PendingBatch | null = input.carry?.pending ?? null;
  let batchesDone = input.carry?.batchesDone ?? 0;
  let recent: BatchRecord[] = input.carry?.recent ?? [];
  let runBatches = 0;
  let phase: PipelinePhase = 'idle';

  setHandler(annotationEventsSignal, (received) => {
    pending = addEvents(pending, received, Date.now());
  });
  setHandler(pipelineStateQuery, () => ({ phase, pending, batchesDone, runBatches, recent }));

  for (;;) {
    phase = 'idle';
    await condition(() => pending !== null || workflowInfo().continueAsNewSuggested);
    if (pending === null) break; // idle and asked to start afresh

    phase = 'debouncing';
    const dueIn = () => batchDueAt(pending!, cfg.quietMs, cfg.maxWaitMs) - Date.now();
    // One timer per quiet period, not one per event: events during a sleep just move the due time on.
    for (let wait = dueIn(); wait > 0; wait = dueIn()) await sleep(wait);

    const batch: PendingBatch = pending!;
    pending = null;
    batchesDone += 1;
    phase = 'syncing';
    const record = await runBatch(cfg, batch, batchesDone, tracked);
    recent = [...recent, record].slice(-RECENT_BATCHES);
    runBatches += 1;
    if (runBatches >= cfg.batchesPerRun || workflowInfo().continueAsNewSuggested) break;
  }

  // Signal handlers are synchronous, so this is immediate; it keeps the rule explicit should one become async.
  await condition(allHandlersFinished);
  // Read `pending` only now: every signal delivered up to this point is in it. One that arrives while
  // this task completes makes the server reject the continue-as-new and replay with it included.
  return continueAsNew<typeof annotationPipeline>({ ...input, carry: { pending, batchesDone, recent } });
}

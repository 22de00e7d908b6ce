import type { Client } from '@temporalio/client';
import type { annotationPipeline } from '../workflows/annotation-pipeline';
import type { PipelineEnd } from '../workflows/pipeline-end';

/** How a watched pipeline ended: its result (an unknown project, idleness), or why it failed. */
export type PipelineEnded = { project: number; workflowId: string } & ({ end: PipelineEnd } | { error: Error });

/**
 * Follows each pipeline run the receiver signalled, through its continue-as-new chain, so the receiver
 * can log why a pipeline ended: a pipeline for a project Label Studio does not know ends at once, and
 * the sender of its events would otherwise hear nothing of it. One long poll per running pipeline.
 */
export class PipelineWatch {
  private readonly watched = new Map<string, string>();
  private readonly stop = new AbortController();

  constructor(
    private readonly client: Client,
    private readonly onEnd: (ended: PipelineEnded) => void,
  ) {}

  /** Watches the run unless it is watched already (its chain's first run, or this one). */
  watch(workflowId: string, runId: string, project: number): void {
    if (this.stop.signal.aborted || this.watched.has(workflowId)) return;
    this.watched.set(workflowId, runId);
    const handle = this.client.workflow.getHandle<typeof annotationPipeline>(workflowId, runId, { followRuns: true });
    this.client
      .withAbortSignal(this.stop.signal, () => handle.result())
      .then(
        (end) => this.onEnd({ project, workflowId, end }),
        (err: unknown) => {
          if (!this.stop.signal.aborted) this.onEnd({ project, workflowId, error: err instanceof Error ? err : new Error(String(err)) });
        },
      )
      .finally(() => {
        if (this.watched.get(workflowId) === runId) this.watched.delete(workflowId);
      });
  }

  close(): void {
    this.stop.abort();
  }
}

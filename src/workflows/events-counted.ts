import type { PipelineState } from './pipeline-types';

/** Events a pipeline has counted: those pending plus those of its recent batches (the last ten). */
export function eventsCounted(state: PipelineState | undefined): number {
  if (!state) return 0;
  return (state.pending?.events ?? 0) + state.recent.reduce((n, b) => n + b.events, 0);
}

import { ActivityFailure, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { LineageEventInput } from '../lineage/run-event';
import { declareVersioningBehavior } from './versioning-behavior';

/** An endpoint that is down gets retries for an hour; after that the event is given up, logged. */
const { emitLineage } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  scheduleToCloseTimeout: '1h',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/**
 * Delivers one OpenLineage event of a sync run as a workflow of its own, abandoned by the sync: its
 * retries outlive the sync, whose result never waits for them. Never fails: lineage is best effort.
 */
export async function emitLineageEvent(input: LineageEventInput): Promise<void> {
  try {
    await emitLineage(input);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('OpenLineage event not delivered', { eventType: input.eventType, runId: input.runId, error: err.cause?.message ?? err.message });
  }
}
// Pinned: it lasts an hour at most, so the version that started it may finish it.
declareVersioningBehavior(emitLineageEvent, 'PINNED');

// Bench-only workflows: the package's own, plus the naive design the poll is measured against — a
// workflow loop that reads the storage and sleeps 5 s, writing history for every check.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities, StorageRef } from '../src/activities';

export * from '../src/workflows';

const { readStorage, triggerSync } = proxyActivities<Activities>({ startToCloseTimeout: '1m', retry: { maximumAttempts: 5 } });

export async function naiveSyncLoop(ref: StorageRef): Promise<void> {
  const before = await readStorage(ref);
  const { syncAttempt } = await triggerSync({ ref, baselineAttempts: before.attempts });
  for (;;) {
    const now = await readStorage(ref);
    if (['completed', 'failed', 'completed_with_errors'].includes(now.status) && now.attempts >= syncAttempt) return;
    await sleep('5s');
  }
}

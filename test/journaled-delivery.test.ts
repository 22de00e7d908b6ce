import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { EventJournal } from '../src/webhooks/event-journal';
import { JournaledDelivery } from '../src/webhooks/journaled-delivery';
import type { AnnotationEvents } from '../src/workflows/annotation-events';
import { createdEvent, journalDirPerSuite } from './helpers/journal-dir';

// The journal's deliveries with a recording sender in place of Temporal: how a burst is paced.
describe('journaled delivery', () => {
  const dir = journalDirPerSuite('journaled-delivery-');
  const recorder = () => {
    const sent: AnnotationEvents[] = [];
    return { sent, send: async (events: AnnotationEvents) => (sent.push(events), `pipeline-${events.project}`) };
  };

  it("holds a project's events during its pause after a delivery and sends them merged in one, keeping them in the journal until then", async () => {
    const path = join(dir(), 'paced');
    const first = recorder();
    const journal = await EventJournal.open(path);
    // A pause longer than the test: what arrives after the first delivery waits for the next.
    const paced = new JournaledDelivery(journal, first.send, () => undefined, 600_000);
    for (let i = 0; i < 5; i++) await paced.accept(createdEvent(1));
    await paced.accept(createdEvent(2)); // another project is not held by the first one's pause
    await vi.waitFor(() => expect(first.sent).toHaveLength(2), { timeout: 60_000, interval: 50 });
    expect(first.sent.map((d) => [d.project, d.events])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    await paced.close(); // stopped during the pause: the held events stay in the journal

    const second = recorder();
    const reopened = await EventJournal.open(path);
    expect(reopened.undelivered().events.map((e) => e.seq)).toEqual([2, 3, 4, 5]);
    const resumed = new JournaledDelivery(reopened, second.send, () => undefined, 0);
    resumed.resume();
    await vi.waitFor(() => expect(second.sent).toHaveLength(1), { timeout: 60_000, interval: 50 });
    expect(second.sent[0]).toEqual({ project: 1, events: 4, annotations: 4, actions: { ANNOTATION_CREATED: 4 }, journal: { id: journal.id, seq: 5 } });
    await resumed.close();
  });

  it('waits to retry for many projects at once without a listener warning on stderr', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const journal = await EventJournal.open(join(dir(), 'many'));
    const failures = new Set<number>();
    const failing = new JournaledDelivery(journal, () => Promise.reject(new Error('Temporal is away')), (_err, project) => failures.add(project), 0);
    try {
      // Each project waits on the same stop signal: Node warned past ten listeners.
      for (let project = 1; project <= 20; project++) await failing.accept(createdEvent(project));
      await vi.waitFor(() => expect(failures.size).toBe(20), { timeout: 30_000, interval: 20 });
      await new Promise((r) => setImmediate(r)); // a warning is emitted on the next tick
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      await failing.close();
    }
  });
});

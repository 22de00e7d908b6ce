import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventJournal } from '../src/webhooks/event-journal';
import { createdEvent, journalDirPerSuite } from './helpers/journal-dir';

// The journal file on its own: what a restart finds in it.
describe('event journal', () => {
  const dir = journalDirPerSuite('event-journal-');

  it('gives back, after a restart, the open deliveries as they were and the events in none, under the same id', async () => {
    const path = join(dir(), 'restart');
    const first = await EventJournal.open(path);
    const seqs = await Promise.all([first.append(createdEvent(1)), first.append(createdEvent(2)), first.append(createdEvent(1))]);
    expect(seqs).toEqual([1, 2, 3]);
    await first.intend({ project: 1, from: 1, to: 1 });
    await first.intend({ project: 2, from: 2, to: 2 });
    await first.delivered(2, 2);
    await first.close();
    // A crash in the middle of a write leaves a torn line: it was never acknowledged.
    await appendFile(join(path, 'events.journal'), '{"seq":4,"proj');

    const second = await EventJournal.open(path);
    expect(second.id).toBe(first.id);
    expect(second.undelivered()).toEqual({
      intents: [{ project: 1, from: 1, to: 1, events: [{ seq: 1, event: createdEvent(1) }] }],
      events: [{ seq: 3, event: createdEvent(1) }],
    });
    expect(await second.append(createdEvent(2))).toBe(4); // numbers continue past everything acknowledged
    await second.close();
  });

  it('keeps only what is undelivered when it rewrites the file on opening', async () => {
    const path = join(dir(), 'compact');
    const first = await EventJournal.open(path);
    for (let i = 0; i < 5; i++) await first.append(createdEvent(7));
    await first.intend({ project: 7, from: 1, to: 4 });
    await first.delivered(7, 4);
    await first.close();

    const second = await EventJournal.open(path);
    const lines = (await readFile(join(path, 'events.journal'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([{ journal: first.id, seq: 5 }, { seq: 5, project: 7, action: 'ANNOTATION_CREATED', annotations: 1 }]);
    expect(second.undelivered()).toEqual({ intents: [], events: [{ seq: 5, event: createdEvent(7) }] });
    await second.close();
  });
});

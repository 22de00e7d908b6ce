import type { WorkflowHandle } from '@temporalio/client';
import { defineQuery } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { followQuery } from '../src/cli/follow-query';

const stateQuery = defineQuery<string>('state');

/** A handle whose query answers only when the test says so. */
function slowHandle() {
  const answers: Array<(state: string) => void> = [];
  const handle = {
    client: { connection: { withDeadline: (_deadline: number, fn: () => Promise<string>) => fn() } },
    query: () => new Promise<string>((resolve) => answers.push(resolve)),
  } as unknown as WorkflowHandle;
  return { handle, answers };
}

describe('followQuery', () => {
  it('writes a line only when the description changes', async () => {
    const { handle, answers } = slowHandle();
    const lines: string[] = [];
    const stop = followQuery(handle, stateQuery, (s) => `phase ${s}`, (l) => lines.push(l), 1);
    for (const state of ['a', 'a', 'b']) {
      await expect.poll(() => answers.length).toBeGreaterThan(0);
      answers.shift()!(state);
    }
    await expect.poll(() => lines).toEqual(['phase a', 'phase b']);
    await expect.poll(() => answers.length).toBeGreaterThan(0);
    answers.shift()!('b');
    await stop();
  });

  it('stopping waits for the query in flight, so the connection is closed only after it', async () => {
    const { handle, answers } = slowHandle();
    const stop = followQuery(handle, stateQuery, (s) => s, () => {}, 1);
    await expect.poll(() => answers.length).toBe(1);
    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    answers[0]!('late');
    await stopping;
    expect(stopped).toBe(true);
    expect(answers).toHaveLength(1); // no query after stop
  });
});

import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureType } from '../src/failure-types';
import type { LabelStudioSimulator } from '../src/simulator';
import { createWebhookReceiver, type WebhookReceiver } from '../src/webhooks';
import { eventsCounted } from '../src/workflows/events-counted';
import { pipelineStateQuery, type PipelineState } from '../src/workflows/pipeline-types';
import { pipelineWorkflowId } from '../src/workflows/project-ids';
import { rememberSecret } from './helpers/secrets';
import { startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { TEST_CONNECTION, type TestTemporal } from './helpers/temporal';
import { eventually } from './helpers/workflow-input';

// The receiver's journal: an event answered 202 is on disk before the answer, reaches its pipeline
// after the receiver was killed, and a delivery resent after a restart is not counted twice.
describe('webhook receiver with a journal', () => {
  let sim: LabelStudioSimulator;
  let t: TestTemporal;
  let dir: string;
  const secret = randomBytes(24).toString('hex');
  const downstreamQueue = `downstream-${randomUUID()}`;
  let nextProject = 700;

  beforeAll(async () => {
    rememberSecret(secret);
    sim = await startSimulator();
    t = await startWorkerFor(sim);
    dir = await mkdtemp(join(tmpdir(), 'receiver-journal-'));
  });
  afterAll(async () => {
    for await (const w of t.client.workflow.list({ query: `ExecutionStatus = 'Running' AND TaskQueue = '${t.taskQueue}'` })) {
      await t.client.workflow.getHandle(w.workflowId, w.runId).terminate('test over').catch(() => undefined);
    }
    await t?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const receiverOn = (journal: string): WebhookReceiver =>
    createWebhookReceiver({
      client: t.client,
      secret,
      journal,
      connection: TEST_CONNECTION,
      taskQueue: t.taskQueue,
      // A long quiet period: the events stay pending, where the test counts them.
      pipeline: { quietPeriod: '10m', reconcileEvery: 0, downstream: { workflowType: 'trainModel', taskQueue: downstreamQueue } },
    });
  const post = (url: string, project: number, action = 'ANNOTATION_CREATED') =>
    fetch(url, { method: 'POST', headers: { 'x-webhook-secret': secret, 'content-type': 'application/json' }, body: JSON.stringify({ action, project: { id: project }, annotation: { id: 1 } }) });
  const state = (project: number, done: (s: PipelineState) => boolean) =>
    eventually(
      () => t.client.workflow.getHandle(pipelineWorkflowId(TEST_CONNECTION, project)).query(pipelineStateQuery).catch(() => undefined),
      (s: PipelineState | undefined) => s !== undefined && done(s),
    ) as Promise<PipelineState>;
  const counted = (project: number, atLeast: number) => state(project, (s) => eventsCounted(s) >= atLeast).then(eventsCounted);

  it('delivers an event answered 202 by a receiver killed before Temporal had it, once a receiver restarts on its journal', async () => {
    const journal = join(dir, 'killed');
    const project = nextProject++;
    sim.addProject(project); // one Label Studio has: a pipeline for an unknown project ends
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', join(__dirname, 'helpers', 'journal-receiver.ts'), journal, TEST_CONNECTION], {
      env: { PATH: process.env.PATH ?? '', RECEIVER_SECRET: secret },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
      const res = await post(url, project);
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ accepted: true, workflowId: pipelineWorkflowId(TEST_CONNECTION, project) });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }

    const restarted = receiverOn(journal);
    await restarted.listen(0);
    try {
      expect(await counted(project, 1)).toBe(1);
    } finally {
      await restarted.close();
    }
  });

  it('refuses a journal directory it cannot use, naming the option', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    const receiver = receiverOn(file);
    await expect(receiver.listen(0)).rejects.toMatchObject({ type: FailureType.InvalidInput, message: expect.stringMatching(/journal "[^"]*a-file" cannot be used as the journal directory \(ENOTDIR\)/) });
  });

  it('does not count twice a delivery resent because its confirmation never reached the journal', async () => {
    const journal = join(dir, 'resent');
    const project = nextProject++;
    sim.addProject(project); // one Label Studio has: a pipeline for an unknown project ends
    const first = receiverOn(journal);
    const url = await first.listen(0);
    try {
      for (let i = 0; i < 3; i++) expect((await post(url, project)).status).toBe(202);
      expect(await counted(project, 3)).toBe(3);
    } finally {
      await first.close();
    }
    // As if the receiver died between Temporal's confirmation and the journal's: the deliveries are resent.
    const file = join(journal, 'events.journal');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const unconfirmed = lines.filter((l) => !l.startsWith('{"delivered"'));
    expect(unconfirmed.length).toBeLessThan(lines.length);
    await writeFile(file, unconfirmed.join('\n'));

    const second = receiverOn(journal);
    const secondUrl = await second.listen(0);
    try {
      // The resends go first (a project's deliveries keep journal order): once the new event (told
      // apart by its action) is in, every resend has been seen, and dropped.
      expect((await post(secondUrl, project, 'ANNOTATION_UPDATED')).status).toBe(202);
      const after = await state(project, (s) => s.pending?.actions.ANNOTATION_UPDATED === 1);
      expect(eventsCounted(after)).toBe(4);
      expect(after.pending?.actions).toEqual({ ANNOTATION_CREATED: 3, ANNOTATION_UPDATED: 1 });
    } finally {
      await second.close();
    }
  });

  it('refuses events past its bound with 503 and Retry-After while Temporal is away, and acknowledges none it drops', async () => {
    const journal = join(dir, 'bounded');
    const project = nextProject++;
    sim.addProject(project); // one Label Studio has: a pipeline for an unknown project ends
    const away = createWebhookReceiver({
      client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
      secret,
      journal,
      journalMaxEvents: 3,
      connection: TEST_CONNECTION,
    });
    const url = await away.listen(0);
    const answers: number[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const res = await post(url, project);
        answers.push(res.status);
        if (res.status === 503) expect(res.headers.get('retry-after')).toBe('30');
      }
    } finally {
      await away.close();
    }
    expect(answers).toEqual([202, 202, 202, 503, 503]);
    // Every event answered 202, and only those, reach the pipeline once Temporal is back.
    const back = receiverOn(journal);
    await back.listen(0);
    try {
      expect(await counted(project, 3)).toBe(3);
    } finally {
      await back.close();
    }
  });
});

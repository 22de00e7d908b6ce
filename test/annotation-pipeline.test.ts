import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelStudioSimulator } from '../src/simulator';
import { signalAnnotationPipeline, type PipelineStartOptions } from '../src/webhooks';
import type { annotationPipeline } from '../src/workflows/annotation-pipeline';
import type { AnnotationEvents } from '../src/workflows/annotation-events';
import { pipelineStateQuery, type DownstreamInput, type PipelineState } from '../src/workflows/pipeline-types';
import { pipelineWorkflowId } from '../src/workflows/project-ids';
import { PROJECT_KEY } from '../src/workflows/search-attributes';
import { recordHistory } from './helpers/record-history';
import { startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { FAST } from './helpers/sync-run';
import { TEST_CONNECTION, type TestTemporal } from './helpers/temporal';
import { eventually, workflowInput } from './helpers/workflow-input';

// annotationPipeline on a real Temporal server, fed by signals as the webhook receiver sends them.
describe('annotationPipeline', () => {
  let sim: LabelStudioSimulator;
  let t: TestTemporal;
  const downstreamQueue = `downstream-${randomUUID()}`;
  let nextProject = 700;

  beforeAll(async () => {
    sim = await startSimulator();
    t = await startWorkerFor(sim);
  });
  afterAll(async () => {
    for await (const w of t.client.workflow.list({ query: `ExecutionStatus = 'Running' AND TaskQueue IN ('${t.taskQueue}', '${downstreamQueue}')` })) {
      await t.client.workflow.getHandle(w.workflowId, w.runId).terminate('test over').catch(() => undefined);
    }
    await t?.close();
    await sim?.close();
  });

  const one = (project: number): AnnotationEvents => ({ project, events: 1, annotations: 1, actions: { ANNOTATION_CREATED: 1 } });
  const send = (project: number, pipeline: PipelineStartOptions['pipeline']) =>
    signalAnnotationPipeline(t.client, one(project), { connection: TEST_CONNECTION, taskQueue: t.taskQueue, pipeline });
  const state = (project: number) => t.client.workflow.getHandle(pipelineWorkflowId(TEST_CONNECTION, project)).query(pipelineStateQuery);
  const downstream = { workflowType: 'trainModel', taskQueue: downstreamQueue };

  it('loses no event across continue-as-new while events keep arriving', async () => {
    const project = nextProject++;
    const id = sim.addStorage({ type: 's3', project, script: [{ status: 'completed', queuedMs: 20, runMs: 250 }] });
    // One batch per run: every batch ends in continue-as-new, with events arriving throughout.
    const pipeline = { quietPeriod: '150ms', maxWait: '400ms', batchesPerRun: 1, sync: { policy: FAST }, downstream };
    const total = 80;
    for (let i = 0; i < total; i++) {
      await send(project, pipeline);
      await new Promise((r) => setTimeout(r, 35));
    }

    const settled = await eventually(
      () => state(project),
      (s: PipelineState) => s.pending === null && s.phase === 'idle' && s.recent.reduce((n, b) => n + b.events, 0) === total,
    );
    // At least one continue-as-new with events still arriving (how many batches depends on the machine's speed).
    expect(settled.batchesDone).toBeGreaterThanOrEqual(2);
    expect(settled.batchesDone).toBeLessThanOrEqual(10); // all still in `recent`, so the sum above saw every batch
    expect(settled.recent.map((b) => b.number)).toEqual(Array.from({ length: settled.batchesDone }, (_, i) => i + 1));
    expect(sim.syncsStarted('s3', id)).toBe(settled.batchesDone);

    // Every batch ended its run: one run per batch, plus the run now waiting.
    const runs: string[] = [];
    for await (const w of t.client.workflow.list({ query: `WorkflowId = '${pipelineWorkflowId(TEST_CONNECTION, project)}'` })) runs.push(w.status.name);
    expect(runs.filter((s) => s === 'CONTINUED_AS_NEW').length).toBe(settled.batchesDone);
    const latest = await t.client.workflow.getHandle(pipelineWorkflowId(TEST_CONNECTION, project)).describe();
    expect(latest.typedSearchAttributes.get(PROJECT_KEY)).toBe(`${TEST_CONNECTION}/${project}`); // kept across runs

    // Each downstream start got its own batch's events, and together they got all of them.
    const inputs = await Promise.all(settled.recent.map((b) => workflowInput<DownstreamInput>(t.client, b.downstreamWorkflowId!)));
    expect(inputs.map((i) => i.batch.events)).toEqual(settled.recent.map((b) => b.events));
    expect(inputs.reduce((n, i) => n + i.batch.events, 0)).toBe(total);
    expect(inputs.every((i) => i.sync.outcome === 'completed')).toBe(true);
  });

  it('starts a batch after the maximum wait even while events keep coming', async () => {
    const project = nextProject++;
    sim.addStorage({ type: 'gcs', project, script: [{ status: 'completed', queuedMs: 5, runMs: 5 }] });
    // A quiet period of an hour never passes here: only the maximum wait can start a batch.
    const pipeline = { quietPeriod: '1h', maxWait: '1s', sync: { policy: FAST }, downstream };
    let sent = 0;
    let s: PipelineState;
    do {
      await send(project, pipeline);
      sent += 1;
      await new Promise((r) => setTimeout(r, 200));
      s = await state(project);
    } while (s.batchesDone === 0 && sent < 300);
    expect(s.batchesDone).toBe(1);
    const done = await eventually(() => state(project), (v: PipelineState) => v.recent.length === 1);
    expect(done.recent[0]!.events).toBeGreaterThan(0);
    expect(done.recent[0]!.events).toBeLessThanOrEqual(sent);
  });

  it('runs a batch when the project\'s counters moved without a webhook, and none when they did not', async () => {
    const project = nextProject++;
    const id = sim.addStorage({ type: 's3', project, script: [{ status: 'completed', queuedMs: 5, runMs: 5 }] });
    sim.annotate(project, 1);
    const pipeline = { quietPeriod: '100ms', reconcileEvery: '1s', sync: { policy: FAST }, downstream };
    await send(project, pipeline);
    let s = await eventually(() => state(project), (v: PipelineState) => v.recent.length === 1);
    expect(s.recent[0]).toMatchObject({ events: 1, reconciled: false });

    // Three annotations whose webhooks never came: the reconciliation sees the counters move.
    sim.annotate(project, 3);
    s = await eventually(() => state(project), (v: PipelineState) => v.recent.length === 2, 60_000);
    expect(s.recent[1]).toMatchObject({ number: 2, events: 0, reconciled: true, syncOutcome: 'completed', downstreamSkipped: null });
    expect(s.seen).toMatchObject({ annotations: 4, tasksWithAnnotations: 4 });
    expect(sim.syncsStarted('s3', id)).toBe(2);
    const input = await workflowInput<DownstreamInput>(t.client, s.recent[1]!.downstreamWorkflowId!);
    expect(input.batch).toMatchObject({ number: 2, events: 0, reconciled: true });

    // Unmoved counters start nothing: two more readings later, still two batches.
    const readings = async () => {
      const history = await t.client.workflow.getHandle(pipelineWorkflowId(TEST_CONNECTION, project)).fetchHistory();
      return (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'readProjectCounters').length;
    };
    const before = await readings();
    await eventually(readings, (n) => n >= before + 2, 60_000);
    expect((await state(project)).batchesDone).toBe(2);
    expect(sim.syncsStarted('s3', id)).toBe(2);
    await recordHistory(t.client.workflow.getHandle(pipelineWorkflowId(TEST_CONNECTION, project)), 'pipeline-reconciled');
  });

  it('starts nothing downstream after a failed sync, and says why', async () => {
    const project = nextProject++;
    const ok = sim.addStorage({ type: 'azure', project, script: [{ status: 'completed', queuedMs: 5, runMs: 5 }] });
    const bad = sim.addStorage({ type: 'redis', project, script: [{ status: 'failed', queuedMs: 5, runMs: 5 }, { status: 'completed', queuedMs: 5, runMs: 5 }] });
    const pipeline = { quietPeriod: '100ms', sync: { policy: { ...FAST, maxAttempts: 1 } }, downstream };

    await send(project, pipeline);
    let s = await eventually(() => state(project), (v: PipelineState) => v.recent.length === 1);
    expect(s.recent[0]).toMatchObject({ syncOutcome: 'partial', downstreamWorkflowId: null });
    expect(s.recent[0]!.downstreamSkipped).toMatch(/outcome was partial/);

    // The next batch syncs again (the script now completes) and starts the downstream workflow.
    await send(project, pipeline);
    s = await eventually(() => state(project), (v: PipelineState) => v.recent.length === 2);
    expect(s.recent[1]).toMatchObject({ number: 2, syncOutcome: 'completed', downstreamSkipped: null });
    const input = await workflowInput<DownstreamInput>(t.client, s.recent[1]!.downstreamWorkflowId!);
    expect(input.sync.storages.map((e) => [e.storage.id, e.result])).toEqual([
      [ok, 'succeeded'],
      [bad, 'succeeded'],
    ]);
  });

  it('records a fan-out that could not run and keeps serving', async () => {
    const project = nextProject++;
    // An unknown connection: listing fails at once, non-retryable.
    const pipeline = { quietPeriod: '100ms', downstream };
    const events = (p: number) => signalAnnotationPipeline(t.client, one(p), { connection: 'nowhere', taskQueue: t.taskQueue, pipeline });
    await events(project);
    const handle = t.client.workflow.getHandle(pipelineWorkflowId('nowhere', project));
    const s = await eventually(() => handle.query(pipelineStateQuery), (v: PipelineState) => v.recent.length === 1);
    expect(s.recent[0]).toMatchObject({ syncOutcome: 'error', downstreamWorkflowId: null });
    expect(s.recent[0]!.syncError).toMatch(/no Label Studio connection named "nowhere"/);
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });

  it('ends at once, saying why, when Label Studio has no such project', async () => {
    const project = 990_000 + nextProject++; // no storage, no annotation: the simulator answers 404
    await send(project, { quietPeriod: '100ms', downstream });
    const handle = t.client.workflow.getHandle<typeof annotationPipeline>(pipelineWorkflowId(TEST_CONNECTION, project));
    expect(await handle.result()).toEqual({
      ended: 'project-not-found',
      project,
      batchesDone: 0,
      reason: `Label Studio has no project ${project} on connection ${TEST_CONNECTION} (404): nothing to sync`,
    });
    await recordHistory(handle, 'pipeline-project-not-found');
  });

  it('ends after endAfterIdle without a batch, and the next event starts a new pipeline', async () => {
    const project = nextProject++;
    const id = sim.addStorage({ type: 's3', project, script: [{ status: 'completed', queuedMs: 5, runMs: 5 }] });
    const pipeline = { quietPeriod: '100ms', reconcileEvery: 0, endAfterIdle: '2s', sync: { policy: FAST }, downstream };
    await send(project, pipeline);
    const handle = t.client.workflow.getHandle<typeof annotationPipeline>(pipelineWorkflowId(TEST_CONNECTION, project));
    expect(await handle.result()).toMatchObject({ ended: 'idle', project, batchesDone: 1 });
    await recordHistory(handle, 'pipeline-ended-idle');

    await send(project, pipeline);
    const s = await eventually(() => state(project), (v: PipelineState) => v.recent.length === 1);
    expect(s.recent[0]).toMatchObject({ number: 1, events: 1, syncOutcome: 'completed' });
    expect(sim.syncsStarted('s3', id)).toBe(2);
  });
});

// The post-annotation pipeline end to end: a real Label Studio 1.23.2 calls the webhook receiver it was
// given through its own API, the pipeline syncs the project's export storage (a local folder) on the
// run's real Temporal dev server and starts the downstream workflow with the report. Label Studio's SSRF
// guard would refuse the receiver's loopback URL: the harness starts it with SSRF_PROTECTION_ENABLED=false.
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelStudioJson, startLabelStudio, type RunningLabelStudio } from '../../dev/local/label-studio-server';
import { addAnnotations, seedLabelStudio, type SeededProject } from '../../dev/local/label-studio-seed';
import { createWebhookReceiver, type WebhookReceiver, type WebhookResult } from '../../src/webhooks';
import { pipelineStateQuery, type DownstreamInput, type PipelineState } from '../../src/workflows/pipeline-types';
import { pipelineWorkflowId } from '../../src/workflows/project-ids';
import { rememberSecret } from '../helpers/secrets';
import { FAST } from '../helpers/sync-run';
import { labelStudioConnection, startTestWorker, TEST_CONNECTION, type TestTemporal } from '../helpers/temporal';
import { eventually, workflowInput } from '../helpers/workflow-input';

interface ProjectAnswer {
  total_annotations_number: number;
  num_tasks_with_annotations: number;
}

describe('the annotation pipeline fed by a real Label Studio', () => {
  let ls: RunningLabelStudio;
  let t: TestTemporal;
  let receiver: WebhookReceiver;
  let seeded: SeededProject;
  let webhookId: number;
  const results: WebhookResult[] = [];
  const secret = randomBytes(24).toString('hex');
  const downstreamQueue = `downstream-${randomUUID()}`;

  const api = <T>(method: string, path: string, body?: unknown): Promise<T> => labelStudioJson<T>(ls.url, `Token ${ls.legacyToken}`, method, path, body);
  const state = () => t.client.workflow.getHandle(pipelineWorkflowId(TEST_CONNECTION, seeded.projectId)).query(pipelineStateQuery);
  const eventsIn = (s: PipelineState) => s.recent.reduce((n, b) => n + b.events, 0);
  const exportFolder = () => join(ls.documentRoot, 'export');

  beforeAll(async () => {
    rememberSecret(secret);
    ls = await startLabelStudio();
    seeded = await seedLabelStudio(ls, { taskCount: 6, title: 'webhook e2e', storages: [{ type: 'localfiles', path: exportFolder() }] });
    t = await startTestWorker([labelStudioConnection(TEST_CONNECTION, ls.url, ls.legacyToken)]);
    receiver = createWebhookReceiver({
      client: t.client,
      secret,
      connection: TEST_CONNECTION,
      taskQueue: t.taskQueue,
      // The suite may run on a loaded machine: answer times are the bench's to measure.
      temporalTimeoutMs: 60_000,
      pipeline: {
        quietPeriod: '2s',
        reconcileEvery: '3s',
        sync: { policy: FAST },
        downstream: { workflowType: 'trainModel', taskQueue: downstreamQueue },
      },
      onResult: (r) => results.push(r),
    });
    const url = await receiver.listen(0);
    // Registered as an admin would: the secret travels as a custom header.
    const webhook = await api<{ id: number }>('POST', '/api/webhooks/', {
      project: seeded.projectId,
      url,
      send_payload: true,
      send_for_all_actions: false,
      actions: ['ANNOTATION_CREATED', 'ANNOTATIONS_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_DELETED'],
      headers: { 'x-webhook-secret': secret },
      is_active: true,
    });
    webhookId = webhook.id;
  }, 30 * 60_000);

  afterAll(async () => {
    await receiver?.close();
    if (t) {
      for await (const w of t.client.workflow.list({ query: `ExecutionStatus = 'Running' AND TaskQueue IN ('${t.taskQueue}', '${downstreamQueue}')` })) {
        await t.client.workflow.getHandle(w.workflowId, w.runId).terminate('test over').catch(() => undefined);
      }
    }
    await t?.close();
    await ls?.stop();
  }, 60_000);

  it('syncs the project once its annotations settle and starts the downstream workflow with the report', async () => {
    const added = await addAnnotations(ls, seeded.taskIds.slice(0, 3));
    const s = await eventually(state, (v: PipelineState) => v.phase === 'idle' && v.pending === null && eventsIn(v) === added.length, 120_000);
    // Every webhook Label Studio sent was answered and counted once.
    expect(results.map((r) => [r.status, r.action, r.project])).toEqual(added.map(() => [202, 'ANNOTATION_CREATED', seeded.projectId]));
    const batch = s.recent.at(-1)!;
    expect(batch).toMatchObject({ reconciled: false, syncOutcome: 'completed', downstreamSkipped: null });
    expect(batch.actions).toMatchObject({ ANNOTATION_CREATED: expect.any(Number) });

    const input = await workflowInput<DownstreamInput>(t.client, batch.downstreamWorkflowId!);
    expect(input).toMatchObject({ connection: TEST_CONNECTION, project: seeded.projectId, sync: { outcome: 'completed', counts: { total: 1, succeeded: 1 } } });
    const [storage] = input.sync.storages;
    expect(storage).toMatchObject({ storage: { type: 'localfiles', id: seeded.storages[0]!.id }, result: 'succeeded' });
    // The sync wrote every annotation of the project, the seeded ones and the three new ones.
    expect(storage!.report?.final?.lastSyncCount).toBe(seeded.annotationIds.length + added.length);
    expect((await readdir(exportFolder())).sort()).toEqual([...seeded.annotationIds, ...added].map(String).sort());

    // The counters the pipeline keeps are the real project API's.
    const project = await api<ProjectAnswer>('GET', `/api/projects/${seeded.projectId}/`);
    expect(s.seen).toMatchObject({ annotations: project.total_annotations_number, tasksWithAnnotations: project.num_tasks_with_annotations });
    expect(project.total_annotations_number).toBe(seeded.annotationIds.length + added.length);
  });

  it('catches annotations whose webhook never came on its next reconciliation', async () => {
    await api('PATCH', `/api/webhooks/${webhookId}/`, { is_active: false });
    const before = await state();
    const sent = results.length;
    const [lost] = await addAnnotations(ls, seeded.taskIds.slice(3, 4));
    const s = await eventually(state, (v: PipelineState) => v.batchesDone > before.batchesDone && v.phase === 'idle', 120_000);
    expect(results).toHaveLength(sent); // Label Studio sent nothing
    const batch = s.recent.at(-1)!;
    expect(batch).toMatchObject({ events: 0, reconciled: true, syncOutcome: 'completed', downstreamSkipped: null });
    expect(s.seen?.annotations).toBe(before.seen!.annotations + 1);
    expect(await readdir(exportFolder())).toContain(String(lost));
    const input = await workflowInput<DownstreamInput>(t.client, batch.downstreamWorkflowId!);
    expect(input.batch).toMatchObject({ events: 0, reconciled: true });
  });
});

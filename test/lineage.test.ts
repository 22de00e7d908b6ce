import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startProjectSync } from '../src/client/project-sync-client';
import { awaitSyncReport } from '../src/client/sync-client';
import { loadLineageConfig } from '../src/config/lineage';
import { targetDataset } from '../src/lineage/target-dataset';
import type { LabelStudioSimulator } from '../src/simulator';
import { syncWorkflowId } from '../src/workflows/workflow-ids';
import { deadLineageUrl, startLineageReceiver, type ReceivedLineage } from './helpers/lineage-receiver';
import { openLineageProblems } from './helpers/openlineage-schema';
import { recordHistory } from './helpers/record-history';
import { startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { FAST, startSync, syncError } from './helpers/sync-run';
import { TEST_CONNECTION, type TestTemporal } from './helpers/temporal';

const LINEAGE_KEY = 'lineage-test-key';

// OpenLineage events of real syncs (simulator, real Temporal server) received by an HTTP endpoint on loopback.
describe('OpenLineage events', () => {
  let sim: LabelStudioSimulator;
  let t: TestTemporal;
  let receiver: ReceivedLineage;
  const project = 7;

  beforeAll(async () => {
    sim = await startSimulator();
    receiver = await startLineageReceiver();
    t = await startWorkerFor(sim, { lineage: { transport: 'http', url: receiver.url, apiKey: LINEAGE_KEY, namespace: 'lineage-test' } });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await sim?.close();
  });

  /** The events of one run once its terminal event arrived (they come from workflows of their own, after the result). */
  const eventsOf = (runId: string) =>
    vi.waitFor(
      () => {
        const events = receiver.events.filter((e) => e.body.run.runId === runId);
        expect(events.map((e) => e.body.eventType)).toContainEqual(expect.stringMatching(/^(COMPLETE|FAIL|ABORT)$/));
        return events;
      },
      { timeout: 30_000, interval: 200 },
    );

  /** Every event the endpoint received: schema-valid, and without anything that reaches Label Studio. */
  const expectCleanAndValid = () => {
    for (const { body, raw } of receiver.events) {
      expect(openLineageProblems(body), raw).toEqual([]);
      for (const secret of [sim.url, new URL(sim.url).host, sim.legacyToken, sim.personalAccessToken, LINEAGE_KEY]) expect(raw).not.toContain(secret);
    }
  };

  it('sends START and COMPLETE for a sync, with the run id of the workflow run, the project in and the target out', async () => {
    const id = sim.addStorage({ type: 's3', project, script: [{ status: 'completed', count: 12 }], fields: { bucket: 'annotations', prefix: 'exports/team', s3_endpoint: 'http://minio-user:minio-secret@127.0.0.1:9' } });
    const { handle } = await startSync(t.client, t.taskQueue, 's3', id);
    const report = await awaitSyncReport(handle);
    expect(report.outcome).toBe('completed');
    const { runId } = await handle.describe();

    const events = await eventsOf(runId);
    expect(events.map((e) => e.body.eventType)).toEqual(['START', 'COMPLETE']);
    for (const { body, authorization } of events) {
      expect(authorization).toBe(`Bearer ${LINEAGE_KEY}`);
      expect(body.job).toMatchObject({ namespace: 'lineage-test', name: `label-studio-sync/${TEST_CONNECTION}/s3/${id}` });
      expect(body.inputs).toEqual([{ namespace: `label-studio://${TEST_CONNECTION}`, name: `projects/${project}` }]);
      expect(body.outputs[0]).toMatchObject({ namespace: 's3://annotations', name: 'exports/team' });
      expect(body.run.facets?.parent).toBeUndefined();
    }
    expect(events[1]!.body.outputs[0].outputFacets.outputStatistics.rowCount).toBe(12);
    expect(events.map((e) => e.raw).join()).not.toContain('minio-secret');
    expectCleanAndValid();
    await recordHistory(handle, 'lineage-completed');
  });

  it('carries the target verification as a data-quality assertion', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lineage-target-'));
    for (let i = 1; i <= 3; i += 1) writeFileSync(join(folder, String(i)), '{}');
    const id = sim.addStorage({ type: 'localfiles', project, script: [{ status: 'completed', count: 3 }], fields: { path: folder } });
    const { handle } = await startSync(t.client, t.taskQueue, 'localfiles', id, { verifyTarget: 'warn' });
    expect((await awaitSyncReport(handle)).verification?.status).toBe('verified');

    const complete = (await eventsOf((await handle.describe()).runId)).find((e) => e.body.eventType === 'COMPLETE')!.body;
    expect(complete.outputs[0]).toMatchObject({ namespace: 'file', name: folder });
    expect(complete.outputs[0].facets.dataQualityAssertions.assertions).toEqual([{ assertion: 'target_object_count', success: true }]);
    expectCleanAndValid();
  });

  it('carries a key-level verification as its own assertion, failed when a key is missing', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lineage-keys-'));
    const ids = sim.annotate(project, 2);
    writeFileSync(join(folder, String(ids[0])), '{}'); // the second annotation's object never arrived
    const id = sim.addStorage({ type: 'localfiles', project, script: [{ status: 'completed', count: 2 }], fields: { path: folder } });
    const { handle } = await startSync(t.client, t.taskQueue, 'localfiles', id, { verifyTarget: 'warn', verifyBy: 'keys' });
    expect((await awaitSyncReport(handle)).verification).toMatchObject({ check: 'keys', status: 'shortfall', missingKeys: [String(ids[1])] });

    const complete = (await eventsOf((await handle.describe()).runId)).find((e) => e.body.eventType === 'COMPLETE')!.body;
    expect(complete.outputs[0].facets.dataQualityAssertions.assertions).toEqual([{ assertion: 'target_keys_present', success: false }]);
    expectCleanAndValid();
  });

  it('sends FAIL with the error the sync failed with, and nothing secret', async () => {
    const id = sim.addStorage({ type: 'gcs', project, script: [{ status: 'failed', traceback: 'Traceback...\nValueError: disk quota exceeded' }], fields: { bucket: 'b' } });
    const { handle } = await startSync(t.client, t.taskQueue, 'gcs', id, { maxAttempts: 1 });
    const err = await syncError(awaitSyncReport(handle));

    const events = await eventsOf((await handle.describe()).runId);
    expect(events.map((e) => e.body.eventType)).toEqual(['START', 'FAIL']);
    const failure = events[1]!.body.run.facets.errorMessage;
    expect(failure.message).toBe(err.message);
    expect(failure.message).toContain('disk quota exceeded');
    expectCleanAndValid();
    await recordHistory(handle, 'lineage-failed');
  });

  it('sends ABORT for a cancelled sync', async () => {
    const id = sim.addStorage({ type: 'gcs', project, script: [{ status: 'stuck_in_progress' }], fields: { bucket: 'b' } });
    const { handle } = await startSync(t.client, t.taskQueue, 'gcs', id, { stallTimeout: '1h' });
    await expect.poll(() => sim.syncsStarted('gcs', id), { timeout: 10_000 }).toBe(1);
    await handle.cancel();
    expect((await syncError(awaitSyncReport(handle))).failureType).toBe('Cancelled');

    const events = await eventsOf((await handle.describe()).runId);
    expect(events.map((e) => e.body.eventType)).toEqual(['START', 'ABORT']);
    expectCleanAndValid();
    await recordHistory(handle, 'lineage-aborted');
  });

  it('names the project fan-out as the parent run of its children', async () => {
    const fanOutProject = 70;
    const id = sim.addStorage({ type: 'gcs', project: fanOutProject, script: [{ status: 'completed', count: 2 }], fields: { bucket: 'b', prefix: 'p' } });
    const started = await startProjectSync(t.client, { connection: TEST_CONNECTION, project: fanOutProject, policy: { ...FAST, maxAttempts: 1 } }, { taskQueue: t.taskQueue });
    expect((await started.handle.result()).outcome).toBe('completed');
    const parentRunId = (await started.handle.describe()).runId;
    const childRunId = (await t.client.workflow.getHandle(syncWorkflowId(TEST_CONNECTION, 'gcs', id)).describe()).runId;

    const events = await eventsOf(childRunId);
    expect(events.map((e) => e.body.eventType)).toEqual(['START', 'COMPLETE']);
    for (const { body } of events) {
      expect(body.run.facets.parent).toMatchObject({
        run: { runId: parentRunId },
        job: { namespace: 'lineage-test', name: `label-studio-project-sync/${TEST_CONNECTION}/${fanOutProject}` },
      });
    }
    expectCleanAndValid();
  });

  it('a lineage endpoint that is down neither fails nor holds up the sync; its events keep being retried', async () => {
    const down = await startWorkerFor(sim, { lineage: { transport: 'http', url: await deadLineageUrl(), namespace: 'lineage-test' } });
    try {
      const id = sim.addStorage({ type: 'gcs', project, script: [{ status: 'completed', count: 5 }], fields: { bucket: 'b' } });
      const { handle } = await startSync(down.client, down.taskQueue, 'gcs', id);
      expect((await awaitSyncReport(handle)).outcome).toBe('completed');
      const { runId } = await handle.describe();
      const complete = down.client.workflow.getHandle(`${handle.workflowId}/lineage/${runId}/complete`);
      await vi.waitFor(
        async () => {
          const { raw } = await complete.describe();
          expect(raw.pendingActivities?.[0]?.lastFailure?.message).toContain('OpenLineage endpoint unreachable');
        },
        { timeout: 30_000, interval: 200 },
      );
      await complete.terminate('test over');
      await down.client.workflow.getHandle(`${handle.workflowId}/lineage/${runId}/start`).terminate('test over');
    } finally {
      await down.close();
    }
  });

  it('costs a sync nothing when the worker has lineage off', async () => {
    const off = await startWorkerFor(sim);
    try {
      const id = sim.addStorage({ type: 'gcs', project, script: [{ status: 'completed' }], fields: { bucket: 'b' } });
      const { handle } = await startSync(off.client, off.taskQueue, 'gcs', id);
      expect((await awaitSyncReport(handle)).outcome).toBe('completed');
      const { events } = await handle.fetchHistory();
      expect(events!.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
      expect(JSON.stringify(events)).not.toContain('lst-20-openlineage');
    } finally {
      await off.close();
    }
  });
});

describe('OpenLineage configuration and naming', () => {
  it('reads the standard variables: HTTP with OPENLINEAGE_URL, console on request, off otherwise', () => {
    expect(loadLineageConfig({})).toBeUndefined();
    expect(loadLineageConfig({ OPENLINEAGE_URL: 'http://marquez:5000', OPENLINEAGE_API_KEY: 'k' })).toEqual({ transport: 'http', url: 'http://marquez:5000', apiKey: 'k', namespace: 'label-studio' });
    expect(loadLineageConfig({ OPENLINEAGE_TRANSPORT: 'console', OPENLINEAGE_NAMESPACE: 'annotations' })).toEqual({ transport: 'console', namespace: 'annotations' });
    expect(loadLineageConfig({ OPENLINEAGE_URL: 'http://marquez:5000', OPENLINEAGE_TRANSPORT: 'off' })).toBeUndefined();
    expect(() => loadLineageConfig({ OPENLINEAGE_TRANSPORT: 'http' })).toThrow(/OPENLINEAGE_URL: not set/);
    expect(() => loadLineageConfig({ OPENLINEAGE_URL: 'ftp://x' })).toThrow(/OPENLINEAGE_URL: has scheme ftp:/);
    expect(() => loadLineageConfig({ OPENLINEAGE_TRANSPORT: 'kafka' })).toThrow(/OPENLINEAGE_TRANSPORT/);
  });

  it('names targets by bucket, path or host, never with credentials', () => {
    const storage = (fields: Record<string, unknown>) => ({ id: 1, type: 'x', project: 1, status: 'completed' as const, ...fields });
    expect(targetDataset('gcs_sa', storage({ bucket: 'b', prefix: null }))).toEqual({ namespace: 'gs://b', name: '/' });
    expect(targetDataset('redis', storage({ host: 'user:pw@redis.internal', port: 6380, db: 3, password: 'pw' }))).toEqual({ namespace: 'redis://redis.internal:6380', name: 'db/3' });
    expect(targetDataset('redis', storage({ host: null, port: null }))).toEqual({ namespace: 'redis://localhost:6379', name: 'db/2' });
    expect(targetDataset('azure', storage({ container: 'c' }))).toBeNull();
    expect(targetDataset('s3', storage({ bucket: '' }))).toBeNull();
  });
});

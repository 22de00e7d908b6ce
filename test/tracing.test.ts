import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LabelStudioSimulator } from '../src/simulator';
import { startOtelTracing } from '../src/tracing/otel-tracing';
import { startTracing, type Tracing } from '../src/tracing/tracing';
import { startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { runSync } from './helpers/sync-run';
import type { TestTemporal } from './helpers/temporal';

// Tracing on, in the client and the worker: one sync is one trace, from the client's start through
// the workflow and each activity down to each Label Studio request.
describe('OpenTelemetry tracing', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let sim: LabelStudioSimulator;
  let t: TestTemporal;

  beforeAll(async () => {
    vi.stubEnv('OTEL_SERVICE_NAME', 'lst-tracing-test');
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'deployment.environment=test');
    tracing = startOtelTracing(exporter, false);
    sim = await startSimulator();
    t = await startWorkerFor(sim, { tracing });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    await tracing?.shutdown();
    vi.unstubAllEnvs();
  });

  it('gives one sync one trace: client start, workflow, activities, Label Studio requests', async () => {
    const id = sim.addStorage({ type: 'azure', project: 2, script: [{ status: 'completed' }] });
    expect((await runSync(t.client, t.taskQueue, 'azure', id)).outcome).toBe('completed');
    await tracing.spanProcessor.forceFlush();
    const spans = exporter.getFinishedSpans();
    const start = spans.find((s) => s.name === 'StartWorkflow:syncExportStorage');
    expect(start).toBeDefined();
    const trace = spans.filter((s) => s.spanContext().traceId === start!.spanContext().traceId);
    const names = trace.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'RunWorkflow:syncExportStorage',
        'StartActivity:readStorage',
        'RunActivity:readStorage',
        'RunActivity:triggerAndAwaitSync',
        'GET /api/storages/export/azure/{id}',
        'POST /api/storages/export/azure/{id}/sync',
      ]),
    );
    // Every span of the sync is in it: no activity or request span makes a trace of its own.
    expect(spans.filter((s) => /^(RunActivity|RunWorkflow):|^(GET|POST) /.test(s.name)).map((s) => s.spanContext().traceId)).toEqual(
      spans.filter((s) => /^(RunActivity|RunWorkflow):|^(GET|POST) /.test(s.name)).map(() => start!.spanContext().traceId),
    );
    const parent = (s: ReadableSpan) => trace.find((p) => p.spanContext().spanId === s.parentSpanId)?.name;
    const post = trace.find((s) => s.name === 'POST /api/storages/export/azure/{id}/sync')!;
    expect(parent(post)).toBe('RunActivity:triggerAndAwaitSync');
    expect(parent(trace.find((s) => s.name === 'RunActivity:triggerAndAwaitSync')!)).toBe('StartActivity:triggerAndAwaitSync');
    expect(parent(trace.find((s) => s.name === 'StartActivity:triggerAndAwaitSync')!)).toBe('RunWorkflow:syncExportStorage');
    expect(parent(trace.find((s) => s.name === 'RunWorkflow:syncExportStorage')!)).toBe('StartWorkflow:syncExportStorage');
    expect(post.attributes).toEqual({
      'http.request.method': 'POST',
      'url.template': '/api/storages/export/azure/{id}/sync',
      'http.response.status_code': 200,
      'label_studio.connection': expect.any(String),
    });
    for (const span of trace) {
      expect(span.resource.attributes).toMatchObject({ 'service.name': 'lst-tracing-test', 'deployment.environment': 'test' });
    }
    const attributes = JSON.stringify(trace.map((s) => s.attributes));
    for (const secret of [sim.legacyToken, sim.personalAccessToken, sim.url, new URL(sim.url).host]) expect(attributes).not.toContain(secret);
  });

  it('stays off unless asked', () => {
    expect(startTracing('off')).toBeUndefined();
  });
});

import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelStudioSimulator } from '../src/simulator';
import { startOtelTracing } from '../src/worker/otel-tracing';
import { startTracing, type Tracing } from '../src/worker/tracing';
import { startSimulator, startWorkerFor } from './helpers/simulated-label-studio';
import { runSync } from './helpers/sync-run';
import type { TestTemporal } from './helpers/temporal';

// Tracing on: every activity gets a span, and each Label Studio request a client span inside it.
describe('OpenTelemetry tracing', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let sim: LabelStudioSimulator;
  let t: TestTemporal;

  beforeAll(async () => {
    tracing = startOtelTracing(exporter, false);
    sim = await startSimulator();
    t = await startWorkerFor(sim, { observeLabelStudio: tracing.observe, interceptors: tracing.interceptors });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    await tracing?.shutdown();
  });

  it('produces activity spans with Label Studio request spans as their children', async () => {
    const id = sim.addStorage({ type: 'azure', project: 2, script: [{ status: 'completed' }] });
    expect((await runSync(t.client, t.taskQueue, 'azure', id)).outcome).toBe('completed');
    const spans = exporter.getFinishedSpans();
    const trigger = spans.find((s) => s.name === 'RunActivity:triggerSync');
    const post = spans.find((s) => s.name === 'Label Studio POST api/storages/export/azure/{id}/sync');
    expect(trigger).toBeDefined();
    expect(post?.attributes).toMatchObject({ 'http.response.status_code': 200, 'label_studio.connection': expect.any(String) });
    expect(post?.parentSpanId).toBe(trigger?.spanContext().spanId);
    expect(post?.spanContext().traceId).toBe(trigger?.spanContext().traceId);
  });

  it('stays off unless asked', async () => {
    expect(await startTracing('off')).toBeUndefined();
  });
});

// The Label Studio side of bench/webhook-bench.ts, in a process of its own as Label Studio is: a
// sender sharing the bench's process (the simulator, the receiver's log lines) measured its own
// event-loop stalls as the receiver's latency. One connection per webhook and no retry, as Label
// Studio's requests.post; node:http rather than fetch, so the sender costs little CPU per request.
// Before each webhook it tells the bench (IPC), which moves the simulated project's counters: the
// annotation exists whether or not its webhook gets through.
import { request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SenderPlan {
  url: string;
  secret: string;
  events: number;
  projects: number[];
  spreadMs: number;
}

export type SenderMessage =
  | { type: 'event'; project: number }
  | { type: 'done'; codes: Record<string, number>; latencies: number[]; sendingMs: number; cpuMs: number; loopDelayMs: { p50: number; p99: number; max: number } };

/** Label Studio's WEBHOOK_TIMEOUT: it waits this long for an answer, then gives up for good. */
const TIMEOUT_MS = 1_000;
export const NO_ANSWER = `no answer within ${TIMEOUT_MS / 1000} s`;

function post(url: string, secret: string, body: string): Promise<{ code: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (code: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ code, ms: performance.now() - t0 });
    };
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: { 'x-webhook-secret': secret, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const timer = setTimeout(() => {
      finish(NO_ANSWER);
      req.destroy();
    }, TIMEOUT_MS);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => finish(String(res.statusCode)));
      res.on('error', (err) => finish(`error ${err.message}`));
    });
    req.on('error', (err) => finish(`error ${err.message}`));
    req.end(body);
  });
}

async function run(plan: SenderPlan): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const codes: Record<string, number> = {};
  const latencies: number[] = [];
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: plan.events }, async (_, i) => {
      await sleep((i * plan.spreadMs) / plan.events);
      const project = plan.projects[i % plan.projects.length]!;
      process.send!({ type: 'event', project } satisfies SenderMessage);
      const body = JSON.stringify({ action: 'ANNOTATION_CREATED', project: { id: project }, annotation: { id: i, result: [] }, task: { id: i } });
      const { code, ms } = await post(plan.url, plan.secret, body);
      codes[code] = (codes[code] ?? 0) + 1;
      latencies.push(ms);
    }),
  );
  loop.disable();
  const used = process.cpuUsage(cpu);
  const ms = (ns: number) => Math.round(ns / 1e6);
  const done: SenderMessage = { type: 'done', codes, latencies, sendingMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000, loopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) } };
  process.send!(done, () => process.disconnect());
}

if (require.main === module) {
  process.once('message', (plan: SenderPlan) => void run(plan));
}

// npm run bench:chaos [-- --syncs N --kills N --restarts N --fault-rate R --seed S --sticky-timeout-ms MS]: the chaos run at
// full size (see chaos/chaos-run.ts); prints one table. Asserts nothing: the test does, smaller.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runChaos, summarize } from './chaos/chaos-run';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      syncs: { type: 'string', default: '200' },
      kills: { type: 'string', default: '10' },
      restarts: { type: 'string', default: '1' },
      'fault-rate': { type: 'string', default: '0.3' },
      seed: { type: 'string', default: '1' },
      /** The workers' sticky schedule-to-start timeout in ms; unset, the worker's default. */
      'sticky-timeout-ms': { type: 'string' },
    },
  });
  const result = await runChaos({
    syncs: Number(values.syncs),
    workerKills: Number(values.kills),
    serverRestarts: Number(values.restarts),
    faultRate: Number(values['fault-rate']),
    seed: Number(values.seed),
    stateDir: join(__dirname, '..', '.lst', 'bench-chaos'),
    graceMs: 20 * 60_000,
    log: (line) => console.error(`[chaos] ${line}`),
    ...(values['sticky-timeout-ms'] !== undefined && { stickyTimeoutMs: Number(values['sticky-timeout-ms']) }),
  });
  console.log(`faults injected by kind: ${JSON.stringify(result.faults)}`);
  const mismatched = result.outcomes.filter((o) => o.syncsStarted !== o.triggered || o.result !== 'completed');
  for (const o of mismatched) console.log(`  ${o.edition} storage ${o.id}: ${o.result}${o.failureType ? ` (${o.failureType})` : ''}, Label Studio started ${o.syncsStarted}, report counts ${o.triggered}; Label Studio saw ${o.trail}`);
  const slowest = [...result.outcomes].filter((o) => o.workflowMs !== undefined).sort((a, b) => b.workflowMs! - b.lengthMs - b.serverDownMs - (a.workflowMs! - a.lengthMs - a.serverDownMs)).slice(0, 3);
  for (const o of slowest) console.log(`  slow: ${o.edition} storage ${o.id}: ${(o.workflowMs! / 1000).toFixed(1)} s for a length of ${(o.lengthMs / 1000).toFixed(1)} s (server down ${(o.serverDownMs / 1000).toFixed(1)} s of it); Label Studio saw ${o.trail}`);
  console.table([summarize(result)]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

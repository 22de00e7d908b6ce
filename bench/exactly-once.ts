// npm run bench:exactly-once [-- --schedules N --seed S --batch B --shrink-minutes M]: the property suite's generated
// fault schedules (test/property) at full size, on a Temporal dev server of its own with an
// in-process worker. Prints the seed first, then one table; on a failure, the shrunk minimal
// schedule as a test to paste into test/exactly-once.test.ts. Exits 1 when a schedule failed.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startTemporalDevServer } from '../src/local/temporal-dev-server';
import { LabelStudioSimulator } from '../src/simulator';
import { createSyncWorker } from '../src/worker/create-worker';
import { checkExactlyOnce, propertyConnections, type Problem, type Verdict } from '../test/property/exactly-once';
import { faultName, FAULTS, type FaultName } from '../test/property/schedule';
import { WorkerCrashes } from '../test/property/worker-crash';

const CONNECTION = 'sim';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      schedules: { type: 'string', default: '5000' },
      seed: { type: 'string' },
      batch: { type: 'string', default: '250' },
      'shrink-minutes': { type: 'string', default: '20' },
    },
  });
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const batch = Number(values.batch);
  const runs = Math.ceil(Number(values.schedules) / batch);
  console.log(`exactly-once: seed ${seed}, ${runs} batches of ${batch} schedules`);
  Runtime.install({ logger: new DefaultLogger('ERROR') }); // the faults make every try log; the table is the output

  const server = await startTemporalDevServer({ ui: false });
  const sim = await LabelStudioSimulator.start();
  const crashes = new WorkerCrashes(sim);
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const taskQueue = `exactly-once-${randomUUID()}`;
  const { worker, run } = await createSyncWorker({
    connection: nativeConnection,
    namespace: server.namespace,
    taskQueue,
    labelStudio: new Map(propertyConnections(CONNECTION, sim).map((c) => [c.name, c])),
    tuning: { interceptors: { activity: [crashes.interceptor] } },
  });
  const running = run();
  const tally = new Tally();
  const startedAt = Date.now();
  try {
    const env = { sim, client: new Client({ connection, namespace: server.namespace }), taskQueue, connection: CONNECTION, crashes };
    const { failure } = await checkExactlyOnce(env, {
      batch,
      runs,
      seed,
      timeLimitMs: Number(values['shrink-minutes']) * 60_000,
      onBatch: (verdicts) => {
        tally.add(verdicts);
        console.error(`[exactly-once] ${tally.schedules} schedules, ${Math.round((Date.now() - startedAt) / 1000)} s`);
      },
    });
    console.log(`fault kinds drawn: ${JSON.stringify(tally.kinds)}`);
    console.table([{ seed, ...tally.row(), 'wall time': `${((Date.now() - startedAt) / 1000).toFixed(0)} s` }]);
    if (failure) {
      console.log(failure);
      process.exitCode = 1;
    }
  } finally {
    crashes.release();
    worker.shutdown();
    await running;
    await connection.close();
    await nativeConnection.close();
    await sim.close();
    await server.stop();
  }
}

/** The figures over the generated batches (shrinking's reruns left out). */
class Tally {
  schedules = 0;
  registered = 0;
  crashes = 0;
  readonly kinds = Object.fromEntries(Object.keys(FAULTS).map((k) => [k, 0])) as Record<FaultName, number>;
  private readonly problems: Record<Problem, number> = { duplicate: 0, phantom: 0, 'report count mismatch': 0, 'wrongly failed': 0, lost: 0, 'outcome mismatch': 0 };
  private duplicates = 0;

  add(verdicts: Verdict[]): void {
    for (const v of verdicts) {
      this.schedules += 1;
      this.registered += v.started;
      this.duplicates += Math.max(0, v.started - v.triggered);
      this.crashes += v.schedule.crashes.length;
      for (const step of [...v.schedule.post, ...v.schedule.get]) if (step !== 'pass') this.kinds[faultName(step)] += 1;
      for (const p of v.problems) this.problems[p.problem] += 1;
    }
  }

  row(): Record<string, number> {
    return {
      schedules: this.schedules,
      'faults drawn': Object.values(this.kinds).reduce((a, b) => a + b, 0),
      'worker crashes drawn': this.crashes,
      'syncs registered': this.registered,
      'duplicate syncs': this.duplicates,
      'phantom syncs (schedules)': this.problems.phantom,
      'labelStudioSyncs off': this.problems['report count mismatch'],
      'wrongly failed': this.problems['wrongly failed'],
      lost: this.problems.lost,
      'outcome mismatches': this.problems['outcome mismatch'],
    };
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import { Worker, type WorkerOptions } from '@temporalio/worker';
import { budgetedQueue } from '../labelstudio/client-registry';

/**
 * A Label Studio's request budget, kept by the Temporal server: a sync of a connection with a budget
 * sends every Label Studio call as an activity on the connection's own task queue (budgetedQueue),
 * and the server dispatches that queue's activities no faster than `maxTaskQueueActivitiesPerSecond`
 * for all its workers together. A call the budget holds back waits in the queue, never fails. Each
 * worker of the package polls those queues with one activity worker per connection, run beside it.
 */
export class RequestBudgetWorkers {
  private constructor(private readonly workers: Worker[]) {}

  /**
   * The budget's workers for `main`, a worker's options as the plugins left them: the same Temporal
   * connection, namespace, data converter, activity interceptors and deployment version (a pinned
   * sync's calls stay on its version); only activities, at most `budgets` per second on each queue.
   */
  static async create(main: WorkerOptions, budgets: ReadonlyMap<string, number>): Promise<RequestBudgetWorkers> {
    const workers: Worker[] = [];
    for (const [connection, perSecond] of budgets) {
      workers.push(
        await Worker.create({
          connection: main.connection,
          namespace: main.namespace,
          taskQueue: budgetedQueue(main.taskQueue, connection),
          activities: main.activities,
          dataConverter: main.dataConverter,
          ...(main.interceptors?.activity && { interceptors: { activity: main.interceptors.activity } }),
          ...(main.workerDeploymentOptions && { workerDeploymentOptions: main.workerDeploymentOptions }),
          ...(main.maxConcurrentActivityTaskExecutions !== undefined && { maxConcurrentActivityTaskExecutions: main.maxConcurrentActivityTaskExecutions }),
          maxTaskQueueActivitiesPerSecond: dispatchRate(perSecond),
        }),
      );
    }
    return new RequestBudgetWorkers(workers);
  }

  /** Runs `run` (the main worker) and these workers together: when one side stops, so does the other. */
  async runBeside(main: Worker, run: () => Promise<void>): Promise<void> {
    if (!this.workers.length) return run();
    const stop = (worker: Worker) => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    };
    const mainRun = run().finally(() => this.workers.forEach(stop));
    const budgetRuns = Promise.all(this.workers.map((w) => w.run())).finally(() => stop(main));
    await Promise.all([mainRun, budgetRuns]);
  }
}

/** The server lets a queue run this far ahead of its rate (GCRA in the priority matcher, a bucket of a second's tokens in the classic one). */
const SERVER_BURST_S = 1;
/**
 * A request goes out up to this long after the server dispatched it (a worker's event loop busy with
 * other tasks). On a loaded 2-core machine (npx tsx bench/scale-bench.ts --budget 50), requests the
 * server dispatched 41 ms apart reached Label Studio in bunches of up to 10 within 2 ms, up to 6 more
 * in a second than the rate allowed; 0.25 s still let one second exceed the budget by one.
 */
const DELIVERY_JITTER_S = 0.5;

/**
 * The queue's dispatch rate that keeps every window of one second (of 1/budget seconds for a budget
 * under 1) within the budget's whole requests at Label Studio: a window there holds what the server
 * dispatched over the window, its jitter and its burst, 1 + rate x (window + burst + jitter).
 */
function dispatchRate(budget: number): number {
  const windowS = Math.max(1, 1 / budget);
  const requests = Math.max(1, Math.floor(budget));
  return (0.99 * requests) / (windowS + SERVER_BURST_S + DELIVERY_JITTER_S);
}

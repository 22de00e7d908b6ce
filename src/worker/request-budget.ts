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

/**
 * The queue's dispatch rate that keeps every one-second window within `budget` requests. The server
 * lets a queue run a second ahead of its rate (GCRA with a 1 s burst in the priority matcher, a
 * bucket of one second's tokens in the classic one), so a window can hold twice the rate and one
 * more: the rate is (budget - 1) / 2, and 1 every 2 s for a budget under 3. A budget under 1 (one
 * request every 1/budget s) gets half its rate: no window of 1/budget s holds two.
 */
function dispatchRate(budget: number): number {
  if (budget < 1) return budget / 2;
  return budget < 3 ? 0.5 : (Math.floor(budget) - 1) / 2;
}

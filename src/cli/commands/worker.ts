import { Command } from 'commander';
import { importWorkerPart } from '../worker-not-installed';

export function workerCommand(): Command {
  return new Command('worker')
    .description('Run the worker: configuration from the environment (see docs/configuration.md), stops on SIGINT/SIGTERM')
    .action(async () => {
      // Loaded here: the Temporal worker, its logger (pino), metrics, health and tracing are no part of the other commands' start.
      const { runWorker } = await importWorkerPart('the worker command', () => import('../../worker.js'));
      await runWorker();
    });
}

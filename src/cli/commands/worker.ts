import { Command } from 'commander';

export function workerCommand(): Command {
  return new Command('worker')
    .description('Run the worker: configuration from the environment (see docs/configuration.md), stops on SIGINT/SIGTERM')
    .action(async () => {
      // Loaded here: its logger (pino), metrics, health and tracing are no part of the other commands' start.
      const { runWorker } = await import('../../worker.js');
      await runWorker();
    });
}

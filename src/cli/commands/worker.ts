import { Command } from 'commander';
import { runWorker } from '../../worker';

export function workerCommand(): Command {
  return new Command('worker')
    .description('Run the worker: configuration from the environment (see README), stops on SIGINT/SIGTERM')
    .action(async () => {
      await runWorker();
    });
}

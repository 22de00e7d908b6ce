import { Option } from 'commander';

export type WorkerChoice = 'auto' | 'always' | 'never';

/** Whether this process also runs a worker (needs Label Studio configured in its environment). */
export function workerOption(): Option {
  return new Option('--worker <when>', 'run a worker in this process: auto (when the server is embedded or LABEL_STUDIO_URL is set), always, never')
    .choices(['auto', 'always', 'never'])
    .default('auto');
}

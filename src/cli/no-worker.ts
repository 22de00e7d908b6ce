/** Nothing polls the task queue the command would start its workflow on: exit 4 instead of waiting for hours. */
export class NoWorkerError extends Error {
  override readonly name = 'NoWorkerError';
  constructor(taskQueue: string, namespace: string) {
    super(
      `no worker polls task queue ${taskQueue} in namespace ${namespace}: start one with \`label-studio-temporal worker\` ` +
        `(same TEMPORAL_* settings, LABEL_STUDIO_TEMPORAL_TASK_QUEUE=${taskQueue}), or let this command run its own (--worker always, with LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY set)`,
    );
  }
}

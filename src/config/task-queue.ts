/** The task queue the worker polls and the client starts workflows on. */
export const DEFAULT_TASK_QUEUE = 'label-studio-sync';

export function taskQueueFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.LABEL_STUDIO_TEMPORAL_TASK_QUEUE?.trim() || DEFAULT_TASK_QUEUE;
}

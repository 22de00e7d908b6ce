import { envMilliseconds } from '../config/label-studio-connections';

/** The default wait for a cancelled workflow's report: well inside `docker stop`'s 10 s and Kubernetes' 30 s. */
export const DEFAULT_CANCEL_GRACE_MS = 5_000;

/** How long a signalled command waits for the cancellation report (LABEL_STUDIO_TEMPORAL_CANCEL_GRACE_MS). */
export function cancelGraceFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return envMilliseconds(env, 'LABEL_STUDIO_TEMPORAL_CANCEL_GRACE_MS', DEFAULT_CANCEL_GRACE_MS, 600_000);
}

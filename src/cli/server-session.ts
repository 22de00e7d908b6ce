import { ConfigError } from '../config/config-error';
import { openTemporalSession, type TemporalSession } from './temporal-session';

/**
 * A session on the configured Temporal server, without a worker. Schedules, status and the like
 * live on a server that outlives this process, so an embedded dev server would be no use.
 */
export async function withServer<T>(fn: (session: TemporalSession) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  if (!env.TEMPORAL_ADDRESS && !env.TEMPORAL_PROFILE) {
    throw new ConfigError('TEMPORAL_ADDRESS', 'not set', 'This command works on a running Temporal server: set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE) or TEMPORAL_PROFILE');
  }
  const session = await openTemporalSession({ worker: 'never' }, env);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

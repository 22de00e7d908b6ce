import { PermanentTargetError } from './target-count';

/**
 * Loads a target counter whose client library is an optional peer dependency (installed only by users
 * who verify targets of that kind). A missing one is permanent on this worker: the error names the
 * package to install instead of retrying.
 */
export async function loadWithPeer<T>(peer: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (isMissingModule(err, peer)) {
      throw new PermanentTargetError(`counting this target needs the optional package ${peer}, which this worker does not have: npm install ${peer}`);
    }
    throw err;
  }
}

function isMissingModule(err: unknown, peer: string): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && typeof message === 'string' && message.includes(`'${peer}'`);
}

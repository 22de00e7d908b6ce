/** The packages a worker needs beyond the client: optional peers, which a client-only install leaves out. */
const WORKER_PACKAGE = /^(@temporalio\/(?:worker|workflow|activity|core-bridge|plugin))(?:\/|$)/;

export const WORKER_INSTALL_COMMAND = 'npm install @temporalio/worker @temporalio/activity @temporalio/workflow @temporalio/plugin';

/** A command needs a worker in this process, and this install has only the client: exit 5, in one line. */
export class WorkerNotInstalledError extends Error {
  override readonly name = 'WorkerNotInstalledError';
  constructor(
    readonly missing: string,
    what: string,
    instead?: string,
  ) {
    super(`${what} needs the Temporal worker, but ${missing} is not installed: ${WORKER_INSTALL_COMMAND}${instead ? `, or ${instead}` : ''}`);
  }
}

/**
 * Loads a module of the worker's path (`() => import(…)`); when a worker package is missing, fails
 * with WorkerNotInstalledError naming it instead of Node's stack trace. `what` says what needed it,
 * `instead` what else the user can do.
 */
export async function importWorkerPart<T>(what: string, load: () => Promise<T>, instead?: string): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const missing = missingWorkerPackage(err);
    if (missing) throw new WorkerNotInstalledError(missing, what, instead);
    throw err;
  }
}

function missingWorkerPackage(err: unknown): string | undefined {
  const { code, message } = (err ?? {}) as NodeJS.ErrnoException;
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  const name = /Cannot find (?:module|package) '([^']+)'/.exec(message)?.[1];
  return name ? WORKER_PACKAGE.exec(name)?.[1] : undefined;
}

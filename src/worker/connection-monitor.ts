import type { Logger as PinoLogger } from 'pino';
import type { LabelStudioConnection } from '../config/label-studio-connections';
import { formatDuration } from '../activities/stall-tracker';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import { checkConnection } from './connection-check';
import type { ConnectionProblem } from './connection-problem';

export interface RecheckBackoff {
  initialMs: number;
  maxMs: number;
}

/** A connection that failed is checked again after 2 s, 4 s, 8 s… up to 5 min, until it passes. */
export const RECHECK_BACKOFF: RecheckBackoff = { initialMs: 2_000, maxMs: 300_000 };

const NOT_CHECKED = 'not checked yet';

/**
 * The worker's view of its Label Studio connections: each is checked at start (reachable, key accepted),
 * and one that fails is logged as an error and checked again with backoff until it passes. The worker
 * keeps running meanwhile (other connections may be fine, and Label Studio may come back); readiness
 * answers 503 naming the connections that have not passed.
 */
export class ConnectionMonitor {
  private readonly failing = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly connections: ReadonlyMap<string, LabelStudioConnection>,
    private readonly registry: LabelStudioClientRegistry,
    private readonly logger: PinoLogger,
    private readonly backoff: RecheckBackoff = RECHECK_BACKOFF,
  ) {
    for (const name of connections.keys()) this.failing.set(name, NOT_CHECKED);
  }

  /** Checks every connection once (re-checks go on in the background); resolves with what failed. */
  async start(): Promise<ConnectionProblem[]> {
    const problems = await Promise.all([...this.connections.keys()].map((name) => this.check(name, 0)));
    return problems.filter((p): p is ConnectionProblem => p !== null);
  }

  /** Connections that have not passed their last check, and why. */
  unready(): Record<string, string> {
    return Object.fromEntries(this.failing);
  }

  close(): void {
    this.closed = true;
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
  }

  private async check(name: string, failures: number): Promise<ConnectionProblem | null> {
    const problem = await checkConnection(this.connections.get(name)!, this.registry.get(name)!);
    if (this.closed) return problem;
    const before = this.failing.get(name);
    if (!problem) {
      this.failing.delete(name);
      if (before !== NOT_CHECKED) this.logger.info({ connection: name }, `Label Studio connection "${name}": reachable, key accepted`);
      return null;
    }
    this.failing.set(name, problem.message);
    const delayMs = Math.min(this.backoff.initialMs * 2 ** failures, this.backoff.maxMs);
    // One error line per problem; the same problem again is only a debug line.
    const level = problem.message === before ? 'debug' : 'error';
    this.logger[level]({ connection: name, configuration: problem.configuration, recheckInMs: delayMs }, `${problem.message}; checking again in ${formatDuration(delayMs)}`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.check(name, failures + 1);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
    return problem;
  }
}

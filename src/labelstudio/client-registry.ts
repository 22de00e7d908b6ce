import { requestBudget, type LabelStudioConnection } from '../config/label-studio-connections';
import { LabelStudioClient } from './client';
import type { RequestObserver } from './request-observer';

/** One client (and so one keep-alive pool) per named connection, created on first use. */
export class LabelStudioClientRegistry {
  private readonly clients = new Map<string, LabelStudioClient>();

  constructor(
    private readonly connections: ReadonlyMap<string, LabelStudioConnection>,
    private readonly observe?: RequestObserver,
  ) {}

  has(name: string): boolean {
    return this.connections.has(name);
  }

  names(): string[] {
    return [...this.connections.keys()];
  }

  /** The connections with a request budget, and theirs (requests per second). */
  budgets(): Map<string, number> {
    const budgets = new Map<string, number>();
    for (const [name, connection] of this.connections) {
      const budget = requestBudget(connection);
      if (budget !== undefined) budgets.set(name, budget);
    }
    return budgets;
  }

  /**
   * Where a sync on `taskQueue` sends this connection's requests: a task queue of their own, whose
   * activities the Temporal server dispatches no faster than the budget across all workers; undefined
   * when the connection has no budget (or is unknown), and they stay on the workflow's queue.
   */
  requestQueue(taskQueue: string, name: string): string | undefined {
    const connection = this.connections.get(name);
    return connection && requestBudget(connection) !== undefined ? budgetedQueue(taskQueue, name) : undefined;
  }

  get(name: string): LabelStudioClient | undefined {
    const existing = this.clients.get(name);
    if (existing) return existing;
    const connection = this.connections.get(name);
    if (!connection) return undefined;
    const client = new LabelStudioClient({
      baseUrl: connection.baseUrl,
      apiKey: connection.apiKey,
      connectionName: name,
      connectTimeoutMs: connection.connectTimeoutMs,
      responseTimeoutMs: connection.responseTimeoutMs,
      readTimeoutMs: connection.readTimeoutMs,
      maxResponseBytes: connection.maxResponseBytes,
      observe: this.observe,
    });
    this.clients.set(name, client);
    return client;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }
}

/** The task queue of one connection's budgeted requests, named after the workflows' queue it serves. */
export function budgetedQueue(taskQueue: string, connection: string): string {
  return `${taskQueue}/label-studio/${connection}`;
}

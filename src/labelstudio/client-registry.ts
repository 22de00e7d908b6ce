import type { LabelStudioConnection } from '../config/label-studio-connections';
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

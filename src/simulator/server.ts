// The HTTP server: logs every request, applies injected faults around the routing, and owns the lifecycle.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { authScheme, Authenticator, randomLegacyToken, type AuthScheme } from './auth';
import { type StorageType } from './catalog';
import { SimClock } from './clock';
import { ApiError } from './errors';
import { FaultQueue, faultResponse, gatewayPage, RandomFaults, type Fault, type RandomFaultKind, type RandomFaultOptions } from './faults';
import { apiError, type SimResponse } from './response';
import { ProjectAnnotationStore } from './project-annotations';
import { Router } from './routes';
import { StorageStore, type StorageInit, type StorageRecord, type SyncOutcome, type Organization } from './storages';

export interface SimulatorOptions {
  /** default 0: any free port; the server listens on 127.0.0.1 only */
  port?: number;
  /**
   * default 'enterprise': a sync POST answers `queued` at once and the job moves on in the background, with
   * last_sync_job = the job id. 'community': the POST runs the sync inside the request (runMs) and answers
   * its end state, last_sync_job null; Enterprise-only storage types do not exist.
   */
  edition?: 'enterprise' | 'community';
  /** default: a random 40-hex key, accepted as `Authorization: Token <key>` */
  legacyToken?: string;
  /** default true; false answers legacy tokens 401 "...legacy token authentication has been disabled..." */
  legacyTokensEnabled?: boolean;
  /** default 5 min: lifetime of the access tokens POST /api/token/refresh/ issues */
  accessTokenTtlMs?: number;
  /** default false (SQLite: a trigger during a run starts another sync); true: PostgreSQL's row lock refuses it */
  concurrentSyncGuard?: boolean;
}

export interface RequestRecord {
  method: string;
  /** path with its query, as sent */
  path: string;
  /** status answered (a gateway fault's, a truncated answer's); 0 while unanswered and for requests a fault dropped (reset, lose-response) */
  status: number;
  /** arrival, ms since the epoch on the simulator's clock */
  at: number;
  /** scheme presented in Authorization, valid or not */
  auth: AuthScheme;
}

export class LabelStudioSimulator {
  readonly url: string;
  private readonly log: RequestRecord[] = [];
  private readonly faults = new FaultQueue();
  private randomFaults: RandomFaults | undefined;
  private readonly delays = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    private readonly store: StorageStore,
    private readonly auth: Authenticator,
    private readonly router: Router,
    /** The time the simulator's jobs and timestamps follow; skip it ahead to reach a long sync's end sooner. */
    readonly clock: SimClock,
    private readonly annotations: ProjectAnnotationStore,
  ) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.serve(req, res));
  }

  static async start(options: SimulatorOptions = {}): Promise<LabelStudioSimulator> {
    const edition = options.edition ?? 'enterprise';
    const clock = new SimClock();
    const store = new StorageStore({ edition, concurrentSyncGuard: options.concurrentSyncGuard ?? false, clock });
    const auth = new Authenticator({
      legacyToken: options.legacyToken ?? randomLegacyToken(),
      legacyTokensEnabled: options.legacyTokensEnabled ?? true,
      accessTokenTtlMs: options.accessTokenTtlMs ?? 5 * 60_000,
    });
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const annotations = new ProjectAnnotationStore(clock);
    return new LabelStudioSimulator(server, store, auth, new Router(store, auth, edition, annotations), clock, annotations);
  }

  get legacyToken(): string {
    return this.auth.legacyToken;
  }

  /** A JWT refresh token (HS256) to exchange at POST /api/token/refresh/. */
  get personalAccessToken(): string {
    return this.auth.personalAccessToken;
  }

  get requests(): ReadonlyArray<RequestRecord> {
    return this.log;
  }

  /** The most requests that arrived in any one second (a window sliding over every request): to check a request budget. */
  peakRequestsPerSecond(): number {
    const times = this.log.map((r) => r.at).sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1_000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    return peak;
  }

  /** Returns the new id (unique across types). Status starts `initialized`, meta null. */
  addStorage(init: StorageInit): number {
    return this.store.add(init);
  }

  /** A project of the user's organization (or another's) without any storage: GET /api/projects/{id}/ finds it. */
  addProject(project: number, organization: Organization = 'own'): void {
    this.store.addProject(project, organization);
  }

  /** Outcomes are consumed one per sync that starts; the last one repeats. */
  setScript(type: StorageType, id: number, script: SyncOutcome[]): void {
    this.store.setScript(this.record(type, id), script);
  }

  /** The storage as GET would return it (without running the list endpoints' health check). */
  storage(type: StorageType, id: number): Record<string, unknown> {
    return this.store.view(this.record(type, id));
  }

  /**
   * Kills the storage's running sync job as an OOM or a redeploy kills Label Studio's RQ worker: the job stops
   * where it is, without pinging or saving again, and the storage stays `queued` or `in_progress` until the list
   * endpoints' health check sees the stale ping.
   */
  killSync(type: StorageType, id: number): void {
    this.store.kill(this.record(type, id));
  }

  /** How many syncs the server actually started for this storage (meta.attempts, unless a race rewrote it). */
  syncsStarted(type: StorageType, id: number): number {
    return this.record(type, id).syncsStarted;
  }

  /** Adds `count` annotations to the project, each on a new task (negative: deletes the newest); returns the new ids. */
  annotate(project: number, count: number): number[] {
    if (!this.store.projectOrganization(project)) this.store.addProject(project); // annotated, so it exists
    return this.annotations.annotate(project, count);
  }

  injectFault(fault: Fault): void {
    this.faults.add(fault);
  }

  /** From now on, a seeded share of the matching requests gets a random fault; undefined stops it. */
  injectRandomFaults(options: RandomFaultOptions | undefined): void {
    this.randomFaults = options && new RandomFaults(options);
  }

  /** How many random faults of each kind were injected so far. */
  get randomFaultsDrawn(): Readonly<Record<RandomFaultKind, number>> | undefined {
    return this.randomFaults?.drawn;
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  /** Stops jobs and timers and ends every connection, idle keep-alive ones included. */
  async close(): Promise<void> {
    this.store.close();
    this.delays.forEach((t) => clearTimeout(t));
    this.delays.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private record(type: StorageType, id: number): StorageRecord {
    const record = this.store.get(type, id);
    if (!record) throw new Error(`no ${type} export storage with id ${id}`);
    return record;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry: RequestRecord = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
      at: this.clock.now(),
      auth: authScheme(req.headers.authorization),
    };
    this.log.push(entry);
    const fault = this.faults.take(entry.method, entry.path) ?? this.randomFaults?.next(entry.method, entry.path);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      this.send(res, entry, faultResponse(fault));
      return;
    }
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return; // the client went away before sending its body: Django would not run the view either
    }
    const run = () => this.run(entry, req.headers.authorization, body);
    if (fault?.kind === 'gateway') {
      // The gateway's answer and Label Studio's run are independent: either may come first.
      if (fault.reachAfterMs !== undefined) void this.delay(fault.reachAfterMs).then(run);
      await this.delay(fault.answerAfterMs);
      this.send(res, entry, gatewayPage(fault.status));
      return;
    }
    if (fault?.kind === 'hold') await this.delay(fault.ms); // the view runs even if the client gave up meanwhile
    const response = await run();
    if (fault?.kind === 'delay') await this.delay(fault.ms);
    if (fault?.kind === 'lose-response') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'error-after-run') this.send(res, entry, faultResponse({ kind: 'status', status: fault.status }));
    else if (fault?.kind === 'truncate-response') this.sendHalf(res, entry, response);
    else if (fault?.kind === 'garble-response') this.send(res, entry, { ...response, status: 200, body: response.body.slice(0, Math.floor(response.body.length / 2)) });
    else this.send(res, entry, response);
  }

  /** Label Studio handles the request; a handler's crash answers 500 as Django would. */
  private run(entry: RequestRecord, authorization: string | undefined, body: string): Promise<SimResponse> {
    return this.router
      .handle({ method: entry.method, target: entry.path, authorization, body })
      .catch((error: unknown) => apiError(new ApiError(500, error instanceof Error ? error.message : String(error))));
  }

  private send(res: ServerResponse, entry: RequestRecord, response: SimResponse): void {
    if (!res.socket || res.socket.destroyed) return; // the client gave up waiting: nobody receives this answer
    entry.status = response.status;
    // Date on the simulator's clock, as Label Studio's own timestamps are: a skipped clock shows in both.
    const date = new Date(this.clock.now()).toUTCString();
    res.writeHead(response.status, { Date: date, ...response.headers, 'Content-Length': Buffer.byteLength(response.body) });
    res.end(response.body);
  }

  /** The headers announce the whole body; the connection closes once half of it is out. */
  private sendHalf(res: ServerResponse, entry: RequestRecord, response: SimResponse): void {
    if (!res.socket || res.socket.destroyed) return;
    entry.status = response.status;
    const body = Buffer.from(response.body);
    res.writeHead(response.status, { ...response.headers, 'Content-Length': body.length });
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.delays.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.delays.add(timer);
    });
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

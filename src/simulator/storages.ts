// Export storages and their sync status, following StorageInfo (io_storages/base_models.py):
//   initialized -> queued -> in_progress -> completed | failed | completed_with_errors
// A sync job works like LS's: it loads the storage when it starts and later saves `meta` from its own copy,
// so a second sync triggered during a run (no guard, as with SQLite) races with the first one exactly as in
// LS: the first job's saves overwrite the newer meta (meta.attempts can go back), and the second job fails
// with ValueError when it finds the status no longer `queued`.
import { randomUUID } from 'node:crypto';
import { STORAGE_TYPES, typesOf, type Edition, type StorageType } from './catalog';
import { forbidden, notFound, validationError } from './errors';
import { SimClock } from './clock';
import { parseMicros, pythonTime, restTime } from './time';

export type SyncOutcome = {
  status: 'completed' | 'failed' | 'completed_with_errors' | 'stuck_queued' | 'stuck_in_progress';
  /** time spent in `queued` before `in_progress` (default 50; Enterprise only, Community starts at once) */
  queuedMs?: number;
  /** time spent `in_progress` before the terminal status (default 100) */
  runMs?: number;
  /** last_sync_count at the end (default 3) */
  count?: number;
  /** for failed / completed_with_errors (a default Python-looking traceback otherwise) */
  traceback?: string;
};

export type Organization = 'own' | 'other';

export interface StorageInit {
  type: StorageType;
  project: number;
  title?: string;
  synchronizable?: boolean;
  organization?: Organization;
  script?: SyncOutcome[];
  fields?: Record<string, unknown>;
}

export interface StoreOptions {
  edition: Edition;
  concurrentSyncGuard: boolean;
  /** Whose time the jobs run on and the timestamps show; a bench skips it ahead for long syncs. */
  clock: SimClock;
}

type Meta = Record<string, unknown>;

export interface StorageRecord {
  readonly type: StorageType;
  readonly organization: Organization;
  /** The storage as its serializer shows it. */
  readonly json: Record<string, unknown>;
  script: SyncOutcome[];
  syncsStarted: number;
  /** The last sync job started, running or not. */
  job?: SyncJob;
}

/** One sync job (an RQ job in Label Studio); a killed one takes no further step. */
interface SyncJob {
  killed: boolean;
  /** Ends the request that runs the job in Community. */
  done: () => void;
}

// settings.STORAGE_IN_PROGRESS_TIMER: progress is saved at most this often
const PING_MS = 5_000;
// StorageInfo.health_check: in_progress with no ping for 5 timers -> failed
const STALE_PING_MS = 5 * PING_MS;
const DEFAULT_QUEUED_MS = 50;
const DEFAULT_RUN_MS = 100;
const DEFAULT_COUNT = 3;

const STALE_TRACEBACK =
  'It appears the job was failed because the last ping time is too old, and no traceback information is available.\n' +
  'This typically occurs if job was manually removed or workers reloaded unexpectedly.';

const DEFAULT_FAILED_TRACEBACK = `Traceback (most recent call last):
  File "/label-studio/label_studio/io_storages/base_models.py", line 735, in export_sync_background
    storage.save_all_annotations()
  File "/label-studio/label_studio/io_storages/base_models.py", line 702, in save_all_annotations
    self.save_annotations(Annotation.objects.filter(project=self.project))
  File "/label-studio/label_studio/io_storages/base_models.py", line 694, in save_annotations
    for future in concurrent.futures.as_completed(futures):
  File "/usr/local/lib/python3.12/site-packages/google/cloud/storage/blob.py", line 2603, in _do_upload
    response = self._do_multipart_upload(
google.api_core.exceptions.Forbidden: 403 POST https://storage.googleapis.com/upload/storage/v1/b/bucket/o?uploadType=multipart: Permission 'storage.objects.create' denied on resource (or it may not exist).
`;

const DEFAULT_ERRORS_TRACEBACK =
  'Annotation 41: 403 Forbidden writing annotations/41\nAnnotation 42: 403 Forbidden writing annotations/42';

// The fields a create or PATCH body may set (the rest is read-only or derived).
const COMMON_WRITABLE = ['title', 'description', 'synchronizable', 'can_delete_objects'];

export class StorageStore {
  private readonly records = new Map<number, StorageRecord>();
  private readonly projects = new Map<number, Organization>();
  private readonly clock: SimClock;
  private nextId = 1;

  constructor(private readonly options: StoreOptions) {
    this.clock = options.clock;
  }

  add(init: StorageInit): number {
    if (this.options.edition === 'community' && STORAGE_TYPES[init.type].enterpriseOnly) {
      throw new Error(`${init.type} is an Enterprise-only storage type; the simulator runs the community edition`);
    }
    const organization = init.organization ?? 'own';
    const known = this.projects.get(init.project);
    if (known && known !== organization) {
      throw new Error(`project ${init.project} already belongs to the '${known}' organization`);
    }
    this.projects.set(init.project, organization);
    const id = this.nextId++;
    // roughly the serializer's order: id, type, StorageInfo, Storage, ExportStorage, then the type's own fields
    const json: Record<string, unknown> = {
      id,
      type: init.type,
      last_sync: null,
      last_sync_count: null,
      last_sync_job: null,
      status: 'initialized',
      traceback: null,
      meta: null,
      title: init.title ?? null,
      description: null,
      created_at: restTime(this.clock.nowMicros()),
      synchronizable: init.synchronizable ?? true,
      can_delete_objects: null,
      ...STORAGE_TYPES[init.type].fields,
      project: init.project,
      ...init.fields,
    };
    Object.assign(json, { id, type: init.type, project: init.project }); // `fields` may not change identity
    this.records.set(id, { type: init.type, organization, json, script: [...(init.script ?? [])], syncsStarted: 0 });
    return id;
  }

  /** For the simulator's own methods: undefined when there is no such storage of that type. */
  get(type: StorageType, id: number): StorageRecord | undefined {
    const record = this.records.get(id);
    return record?.type === type ? record : undefined;
  }

  /** For API views: generics.get_object then the object permission check. */
  lookup(type: StorageType, id: number): StorageRecord {
    const record = this.get(type, id);
    if (!record) throw notFound(STORAGE_TYPES[type].model);
    if (record.organization !== 'own') throw forbidden();
    return record;
  }

  /** A project with no storage yet (a storage added to it later must be of the same organization). */
  addProject(project: number, organization: Organization = 'own'): void {
    const known = this.projects.get(project);
    if (known && known !== organization) throw new Error(`project ${project} already belongs to the '${known}' organization`);
    this.projects.set(project, organization);
  }

  projectOrganization(project: number): Organization | undefined {
    return this.projects.get(project);
  }

  ownProjects(): number[] {
    return [...this.projects].filter(([, org]) => org === 'own').map(([id]) => id);
  }

  /** ExportStorageListAPI.get_queryset, health check included. */
  list(type: StorageType, project: number): StorageRecord[] {
    const found = [...this.records.values()].filter((r) => r.type === type && r.json['project'] === project);
    found.forEach((r) => this.healthCheck(r));
    return found;
  }

  /** AllExportStorageListAPI: every type's list in turn. */
  listAll(project: number): StorageRecord[] {
    return typesOf(this.options.edition).flatMap((type) => this.list(type, project));
  }

  create(type: StorageType, body: Record<string, unknown>): StorageRecord {
    const project = body['project'];
    if (project === undefined || project === null || project === '') {
      throw validationError({ project: ['This field is required.'] });
    }
    const projectId = Number(project);
    const organization = Number.isInteger(projectId) ? this.projects.get(projectId) : undefined;
    if (!organization) throw validationError({ project: [`Invalid pk "${String(project)}" - object does not exist.`] });
    if (organization !== 'own') throw forbidden();
    const id = this.add({ type, project: projectId, fields: writable(type, body) });
    return this.records.get(id) as StorageRecord;
  }

  update(record: StorageRecord, body: Record<string, unknown>): void {
    Object.assign(record.json, writable(record.type, body));
  }

  remove(record: StorageRecord): void {
    this.records.delete(record.json['id'] as number);
  }

  view(record: StorageRecord): Record<string, unknown> {
    return structuredClone(record.json);
  }

  setScript(record: StorageRecord, script: SyncOutcome[]): void {
    record.script = [...script];
  }

  /**
   * ExportStorage.sync. Resolves when LS would answer the request that triggered it: at once in Enterprise
   * (the job is queued), after the run in Community (it syncs inside the request). A stuck outcome in
   * Community answers after runMs, leaving the status behind as a killed worker would.
   */
  sync(record: StorageRecord): Promise<void> {
    const { json } = record;
    if (this.options.concurrentSyncGuard && (json['status'] === 'queued' || json['status'] === 'in_progress')) {
      return Promise.resolve(); // PostgreSQL row lock: info_set_queued refuses, nothing starts
    }
    const outcome = this.nextOutcome(record);
    const enterprise = this.options.edition === 'enterprise';
    record.syncsStarted += 1;
    json['last_sync'] = null;
    json['last_sync_count'] = null;
    json['last_sync_job'] = null;
    json['status'] = 'queued';
    json['meta'] = { attempts: attemptsOf(json['meta']) + 1, time_queued: pythonTime(this.clock.nowMicros()) };
    if (enterprise) json['last_sync_job'] = randomUUID(); // info_set_job: the RQ job id
    const queuedMs = enterprise ? (outcome.queuedMs ?? DEFAULT_QUEUED_MS) : 0;
    const runMs = outcome.runMs ?? DEFAULT_RUN_MS;
    const finished = new Promise<void>((resolve) => {
      const job: SyncJob = { killed: false, done: resolve };
      record.job = job;
      if (outcome.status === 'stuck_queued') this.later(record, job, queuedMs + runMs, resolve);
      else this.later(record, job, queuedMs, () => this.run(record, job, outcome, runMs, resolve));
    });
    return enterprise ? Promise.resolve() : finished;
  }

  /** The worker running the storage's sync job dies: the job stops where it is and the status stays. */
  kill(record: StorageRecord): void {
    const { job } = record;
    const status = record.json['status'];
    if (!job || job.killed || (status !== 'queued' && status !== 'in_progress')) {
      throw new Error(`no sync job runs for ${record.type} storage ${String(record.json['id'])} (status ${String(status)})`);
    }
    job.killed = true;
    job.done();
  }

  close(): void {
    this.clock.cancelAll();
  }

  private nextOutcome(record: StorageRecord): SyncOutcome {
    const outcome = record.script.length > 1 ? record.script.shift() : record.script[0];
    return outcome ?? { status: 'completed' };
  }

  /** The job: save_annotations with its progress pings. `meta` is the job's own copy of the storage's meta. */
  private run(record: StorageRecord, job: SyncJob, outcome: SyncOutcome, runMs: number, done: () => void): void {
    const { json } = record;
    if (json['status'] !== 'queued') {
      // info_set_in_progress raises; the RQ failure callback then marks the storage failed
      this.fail(record, valueErrorTraceback(String(json['status'])));
      done();
      return;
    }
    const started = pythonTime(this.clock.nowMicros());
    const meta: Meta = { ...asMeta(json['meta']), time_in_progress: started, time_last_ping: started };
    json['status'] = 'in_progress';
    json['meta'] = structuredClone(meta);
    if (outcome.status === 'stuck_in_progress') {
      this.later(record, job, runMs, done); // never pings again
      return;
    }
    const count = outcome.count ?? DEFAULT_COUNT;
    // Progress follows this job's clock, so a skipped clock shows the progress made in the skipped span.
    const startedMs = this.clock.now();
    // The first step runs at the start (elapsed 0, whatever the clock read since): a ping there would move
    // time_last_ping past time_in_progress before any progress was made.
    const step = (elapsed: number): void => {
      if (elapsed >= runMs) {
        this.finish(record, outcome, meta, count);
        done();
        return;
      }
      if (elapsed > 0) this.ping(record, meta, Math.floor((count * elapsed) / runMs), count);
      this.later(record, job, Math.min(PING_MS, runMs - elapsed), () => step(this.clock.now() - startedMs));
    };
    step(0);
  }

  /** info_update_progress: saves last_sync_count and meta only. */
  private ping(record: StorageRecord, meta: Meta, exported: number, total: number): void {
    const now = this.clock.nowMicros();
    meta['time_last_ping'] = pythonTime(now);
    meta['duration'] = secondsSince(meta, now);
    meta['total_annotations'] = total;
    record.json['last_sync_count'] = exported;
    record.json['meta'] = structuredClone(meta);
  }

  private finish(record: StorageRecord, outcome: SyncOutcome, meta: Meta, count: number): void {
    if (outcome.status === 'failed') {
      this.fail(record, outcome.traceback ?? DEFAULT_FAILED_TRACEBACK);
      return;
    }
    // info_set_completed / info_set_completed_with_errors
    const { json } = record;
    const now = this.clock.nowMicros();
    json['status'] = outcome.status;
    json['last_sync'] = restTime(now);
    json['last_sync_count'] = count;
    meta['time_completed'] = pythonTime(now);
    meta['duration'] = secondsSince(meta, now);
    if (outcome.status === 'completed_with_errors') {
      const traceback = outcome.traceback ?? DEFAULT_ERRORS_TRACEBACK;
      json['traceback'] = traceback;
      meta['tasks_failed_validation'] = traceback.split('\n').length;
    }
    meta['total_annotations'] = count;
    json['meta'] = structuredClone(meta);
  }

  /** storage_background_failure -> info_set_failed, on a fresh load of the storage. */
  private fail(record: StorageRecord, traceback: string): void {
    const { json } = record;
    const now = this.clock.nowMicros();
    const meta = asMeta(json['meta']);
    json['status'] = 'failed';
    json['traceback'] = traceback;
    meta['time_failure'] = pythonTime(now);
    meta['duration'] = secondsSince(meta, now); // LS measures from time_failure itself here: always 0.0
    json['meta'] = meta;
  }

  private healthCheck(record: StorageRecord): void {
    const { json } = record;
    const lastPing = asMeta(json['meta'])['time_last_ping'];
    const sincePing = typeof lastPing === 'string' ? this.clock.nowMicros() - parseMicros(lastPing) : 0;
    if (json['status'] === 'in_progress' && sincePing > STALE_PING_MS * 1000) {
      json['status'] = 'failed';
      json['traceback'] = STALE_TRACEBACK;
    }
  }

  /** A job step; skipped once the job is killed, the storage deleted or the simulator closed. */
  private later(record: StorageRecord, job: SyncJob, ms: number, step: () => void): void {
    this.clock.later(ms, () => {
      if (!job.killed && this.records.get(record.json['id'] as number) === record) step();
    });
  }
}

function writable(type: StorageType, body: Record<string, unknown>): Record<string, unknown> {
  const keys = [...COMMON_WRITABLE, ...Object.keys(STORAGE_TYPES[type].fields)];
  return Object.fromEntries(Object.entries(body).filter(([key]) => keys.includes(key)));
}

function asMeta(meta: unknown): Meta {
  return typeof meta === 'object' && meta !== null ? structuredClone(meta as Meta) : {};
}

function attemptsOf(meta: unknown): number {
  const attempts = asMeta(meta)['attempts'];
  return typeof attempts === 'number' ? attempts : 0;
}

/** meta.duration: seconds since StorageInfo.time_in_progress (time_failure when there is one). */
function secondsSince(meta: Meta, nowUs: number): number {
  const since = (meta['time_failure'] ?? meta['time_in_progress']) as string;
  return (nowUs - parseMicros(since)) / 1e6;
}

function valueErrorTraceback(status: string): string {
  return `Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/rq/job.py", line 1331, in perform
    self._result = self._execute()
  File "/label-studio/label_studio/io_storages/base_models.py", line 735, in export_sync_background
    storage.save_all_annotations()
  File "/label-studio/label_studio/io_storages/base_models.py", line 667, in save_annotations
    self.info_set_in_progress()
  File "/label-studio/label_studio/io_storages/base_models.py", line 127, in info_set_in_progress
    raise ValueError(f'Storage status ({self.status}) must be QUEUED to move it IN_PROGRESS')
ValueError: Storage status (${status}) must be QUEUED to move it IN_PROGRESS
`;
}

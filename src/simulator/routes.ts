// Label Studio's URL patterns and API views for export storages, projects and token refresh.
// Storage URLs have no trailing slash and a slashed variant matches nothing (Django 404 page). Project and
// token URLs end with a slash; without it Django's APPEND_SLASH answers 301 to the slashed URL.
import { type Authenticator } from './auth';
import { typesOf, type Edition, type StorageType } from './catalog';
import {
  ApiError,
  DJANGO_NOT_FOUND_HTML,
  forbidden,
  methodNotAllowed,
  notFound,
  validationError,
} from './errors';
import { type ProjectAnnotationStore } from './project-annotations';
import { apiError, empty, html, json, type SimResponse } from './response';
import { type StorageRecord, type StorageStore } from './storages';

export interface SimRequest {
  method: string;
  /** path with its query, as sent */
  target: string;
  authorization: string | undefined;
  body: string;
}

interface Call {
  request: SimRequest;
  params: string[];
  query: URLSearchParams;
}

type Handler = (call: Call) => SimResponse | Promise<SimResponse>;

interface Route {
  pattern: RegExp;
  authenticated: boolean;
  methods: Record<string, Handler>;
}

export class Router {
  private readonly routes: Route[];

  constructor(
    private readonly store: StorageStore,
    private readonly auth: Authenticator,
    edition: Edition,
    private readonly annotations: ProjectAnnotationStore,
  ) {
    const t = `(${typesOf(edition).join('|')})`;
    const storage = (call: Call) => store.lookup(call.params[0] as StorageType, Number(call.params[1]));
    this.routes = [
      { pattern: /^\/api\/storages\/export$/, authenticated: true, methods: { GET: (c) => this.listAll(c) } },
      {
        pattern: new RegExp(`^/api/storages/export/${t}$`),
        authenticated: true,
        methods: { GET: (c) => this.list(c), POST: (c) => this.create(c) },
      },
      {
        // StorageValidateAPI answers Response(): 200 with an empty body once the connection checks out
        pattern: new RegExp(`^/api/storages/export/${t}/validate$`),
        authenticated: true,
        methods: { POST: () => empty(200, { 'Content-Type': 'application/json' }) },
      },
      {
        pattern: new RegExp(`^/api/storages/export/${t}/([0-9]+)$`),
        authenticated: true,
        methods: {
          GET: (c) => json(200, store.view(storage(c))),
          PATCH: (c) => this.update(c, storage(c)),
          PUT: (c) => this.update(c, storage(c)),
          DELETE: (c) => {
            store.remove(storage(c));
            return empty(204);
          },
        },
      },
      {
        pattern: new RegExp(`^/api/storages/export/${t}/([0-9]+)/sync$`),
        authenticated: true,
        methods: { POST: (c) => this.sync(c, storage(c)) },
      },
      {
        pattern: /^\/api\/token\/refresh\/$/,
        authenticated: false,
        methods: { POST: (c) => json(200, auth.refresh(parseJson(c.request.body))) },
      },
      // UserWhoAmIAPI (no trailing slash): the user the key belongs to
      { pattern: /^\/api\/current-user\/whoami$/, authenticated: true, methods: { GET: () => json(200, WHOAMI) } },
      { pattern: /^\/api\/projects\/$/, authenticated: true, methods: { GET: () => this.projects() } },
      { pattern: /^\/api\/projects\/([0-9]+)\/$/, authenticated: true, methods: { GET: (c) => this.project(c) } },
      // TaskListAPI (trailing slash): a project's tasks, with their annotations under fields=all
      { pattern: /^\/api\/tasks\/$/, authenticated: true, methods: { GET: (c) => this.tasks(c) } },
    ];
  }

  async handle(request: SimRequest): Promise<SimResponse> {
    const [path = '', search = ''] = request.target.split(/\?(.*)/s);
    const found = this.match(path);
    if (!found) {
      if (!path.endsWith('/') && this.match(`${path}/`)) {
        return empty(301, { Location: `${path}/${search ? `?${search}` : ''}` });
      }
      return html(404, DJANGO_NOT_FOUND_HTML);
    }
    try {
      if (found.route.authenticated) this.auth.check(request.authorization);
      const handler = found.route.methods[request.method];
      if (!handler) throw methodNotAllowed(request.method);
      return await handler({ request, params: found.params, query: new URLSearchParams(search) });
    } catch (error) {
      if (error instanceof ApiError) return apiError(error);
      throw error;
    }
  }

  private match(path: string): { route: Route; params: string[] } | undefined {
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (m) return { route, params: m.slice(1) };
    }
    return undefined;
  }

  private list(call: Call): SimResponse {
    const project = this.projectParam(call.query);
    const records = this.store.list(call.params[0] as StorageType, project);
    return json(200, records.map((r) => this.store.view(r)));
  }

  private listAll(call: Call): SimResponse {
    let project: number;
    try {
      project = this.projectParam(call.query);
    } catch (error) {
      // AllExportStorageListAPI sums the per-type answers as lists; an error body is a dict, so LS fails with 500
      if (error instanceof ApiError) throw new ApiError(500, 'can only concatenate list (not "dict") to list');
      throw error;
    }
    return json(200, this.store.listAll(project).map((r) => this.store.view(r)));
  }

  private async create(call: Call): Promise<SimResponse> {
    const record = this.store.create(call.params[0] as StorageType, parseObject(call.request.body));
    // perform_create syncs (SYNC_ON_TARGET_STORAGE_CREATION) and then serializes its own instance, which still
    // shows the state right after queueing even when Community already finished the sync inside the request
    const syncing = this.store.sync(record);
    const answer = this.store.view(record);
    await syncing;
    return json(201, answer);
  }

  private update(call: Call, record: StorageRecord): SimResponse {
    this.store.update(record, parseObject(call.request.body));
    return json(200, this.store.view(record));
  }

  private async sync(call: Call, record: StorageRecord): Promise<SimResponse> {
    if (!record.json['synchronizable']) {
      return json(400, { message: `Storage ${call.params[1]} is not synchronizable` });
    }
    await this.store.sync(record);
    return json(200, this.store.view(record));
  }

  private projects(): SimResponse {
    const results = this.store.ownProjects().map(projectView);
    return json(200, { count: results.length, next: null, previous: null, results });
  }

  private project(call: Call): SimResponse {
    const id = Number(call.params[0]);
    // ProjectAPI only looks inside the user's organization
    if (this.store.projectOrganization(id) !== 'own') throw notFound('Project');
    return json(200, { ...projectView(id), ...this.annotations.view(id) });
  }

  private tasks(call: Call): SimResponse {
    const raw = call.query.get('project');
    const id = raw !== null && /^[0-9]+$/.test(raw) ? Number(raw) : 0;
    if (!id) throw new ApiError(404, 'Neither project nor view id specified');
    if (this.store.projectOrganization(id) !== 'own') throw notFound('Project');
    return json(200, this.annotations.taskPage(id, call.query));
  }

  /** ?project= as ExportStorageListAPI.get_queryset reads it. */
  private projectParam(query: URLSearchParams): number {
    const raw = query.get('project');
    if (!raw) throw validationError({ non_field_errors: ['query parameter "project" is required'] });
    const id = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
    const organization = this.store.projectOrganization(id);
    if (!organization) throw notFound('Project');
    if (organization !== 'own') throw forbidden();
    return id;
  }
}

const WHOAMI = { id: 1, first_name: '', last_name: '', username: 'simulator', email: 'simulator@localhost', active_organization: 1 };

function projectView(id: number): { id: number; title: string } {
  return { id, title: `Project ${id}` };
}

function parseJson(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new ApiError(400, `JSON parse error - ${(error as Error).message}`);
  }
}

function parseObject(body: string): Record<string, unknown> {
  const value = parseJson(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'list' : value === null ? 'NoneType' : typeof value;
    throw validationError({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${got}.`] });
  }
  return value as Record<string, unknown>;
}

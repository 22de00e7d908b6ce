import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { hostAndPort } from '../src/config/observability';
import { DEFAULT_TASK_QUEUE } from '../src/config/task-queue';
import { loadWorkerConfig } from '../src/worker';
import { HEALTH_PATHS } from '../src/worker/health';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../src/workflows/search-attributes';

// No Docker engine or cluster runs here, so docker-compose.yml, deploy/ and the Dockerfile are
// checked as text: every address the worker is given must point at a service and port the file
// defines, every variable must be one the worker reads, every probe must hit the health server.
const ROOT = join(__dirname, '..');
interface Service {
  image?: string;
  build?: string | { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}
type Compose = { services: Record<string, Service> };
const readYaml = <T>(path: string) => parse(readFileSync(join(ROOT, path), 'utf8'), { merge: true }) as T;
const compose = readYaml<Compose>('docker-compose.yml');
const production = readYaml<Compose>('deploy/docker-compose.yml');
const { temporal, worker, 'label-studio': labelStudio } = compose.services;

/** The variables the worker process reads, found by running its configuration loader on a recording env. */
function variablesReadBy(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(
    { ...interpolated(env), LABEL_STUDIO_URL: 'http://label-studio:8080', LABEL_STUDIO_API_KEY: 'key', LST_PAYLOAD_KEY: '' },
    {
      get: (target, key: string) => (read.add(key), target[key as keyof typeof target]),
      // Temporal's envconfig scans the whole environment for TEMPORAL_*: let it see only those, so a scan is no read.
      ownKeys: (target) => Reflect.ownKeys(target).filter((k) => String(k).startsWith('TEMPORAL_')),
    },
  );
  loadWorkerConfig(recording);
  return read;
}

/** Values as compose would give them with nothing set: `${X:-default}` is the default. */
function interpolated(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{\w+(?::-([^}]*)|[^}]*)\}/g, (_, fallback?: string) => fallback ?? '')]));
}

/** A worker's environment holds only variables it reads (Temporal's own TEMPORAL_* come from envconfig). */
function expectOnlyVariablesTheWorkerReads(env: Record<string, string>, where: string) {
  const read = variablesReadBy(env);
  for (const name of Object.keys(env)) {
    expect(read.has(name) || ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE'].includes(name), `${where}: ${name}`).toBe(true);
  }
}

/** The docker healthcheck every worker uses: GET /readyz on the port of LST_HEALTH_ADDRESS. */
function expectReadinessCheck(test: string[] | undefined, healthAddress: string | undefined) {
  expect(healthAddress).toBeDefined();
  expect(test?.join(' ')).toContain(`http://127.0.0.1:${hostAndPort(healthAddress!).port}${HEALTH_PATHS.readiness}`);
}

describe('docker-compose.yml', () => {
  it('has a Temporal server with its UI, Label Studio and the worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(expect.arrayContaining(['label-studio', 'temporal', 'worker']));
    expect(temporal?.command).toEqual(expect.arrayContaining(['server', 'start-dev', '--ip=0.0.0.0']));
    expect(temporal?.ports).toEqual(expect.arrayContaining(['127.0.0.1:8233:8233']));
  });

  it('registers the search attributes the client sets', () => {
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_DEFINITIONS)) {
      expect(temporal?.command).toContain(`--search-attribute=${name}=${type}`);
    }
  });

  it('points the worker at the Temporal and Label Studio services on the ports they listen on, once they are healthy', () => {
    const env = worker!.environment!;
    const [temporalHost, temporalPort] = env.TEMPORAL_ADDRESS!.split(':');
    expect(temporalHost).toBe('temporal');
    expect(temporal?.command).toContain(`--port=${temporalPort}`);
    const lsUrl = new URL(env.LABEL_STUDIO_URL!);
    expect(lsUrl.hostname).toBe('label-studio');
    expect(labelStudio?.ports?.some((p) => p.endsWith(`:${lsUrl.port}`))).toBe(true);
    expect(worker?.depends_on).toEqual({ temporal: { condition: 'service_healthy' }, 'label-studio': { condition: 'service_healthy' } });
    expect(env.LABEL_STUDIO_TEMPORAL_TASK_QUEUE).toBe(DEFAULT_TASK_QUEUE);
  });

  it('gives the worker and Label Studio the same key, from the environment, not written in the file', () => {
    expect(worker?.environment?.LABEL_STUDIO_API_KEY).toMatch(/^\$\{LABEL_STUDIO_API_KEY[:?}]/);
    expect(labelStudio?.environment?.LABEL_STUDIO_USER_TOKEN).toMatch(/^\$\{LABEL_STUDIO_API_KEY[:?}]/);
    expect(labelStudio?.environment?.LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN).toBe('true');
  });

  it("publishes the worker's metrics and health ports, and probes its readiness", () => {
    const env = worker!.environment!;
    for (const address of [env.LST_METRICS_ADDRESS!, env.LST_HEALTH_ADDRESS!]) {
      const { port } = hostAndPort(address);
      expect(worker?.ports).toContain(`127.0.0.1:${port}:${port}`);
    }
    expectReadinessCheck(worker?.healthcheck?.test, env.LST_HEALTH_ADDRESS);
  });

  it('builds the worker from a Dockerfile: Node 24 LTS on glibc, not root, probing /readyz, running the compiled worker', () => {
    expect(worker?.build).toBe('.');
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toBe('node:24-bookworm-slim'); // glibc: the native bridge has no musl build
    const user = [...dockerfile.matchAll(/^USER (\S+)/gm)].at(-1)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    const health = /^ENV LST_HEALTH_ADDRESS=(\S+)$/m.exec(dockerfile)?.[1];
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expectReadinessCheck([dockerfile.slice(dockerfile.indexOf('HEALTHCHECK'))], health);
    expect(dockerfile).toContain('CMD ["node", "dist/worker.js"]');
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(existsSync(join(ROOT, 'src', 'worker.ts'))).toBe(true);
  });
});

describe('deploy/docker-compose.yml (production-shaped)', () => {
  const s = production.services;

  it('runs Temporal on PostgreSQL with its UI, after the schema job, and the workers after the setup job', () => {
    expect(s.postgresql?.image).toMatch(/^postgres:/);
    expect(s.temporal?.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(s.temporal?.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(s['temporal-ui']?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(s.worker?.depends_on).toEqual({ 'temporal-setup': { condition: 'service_completed_successfully' } });
    expect(s.worker?.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(s.worker?.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
  });

  it('registers the search attributes the client sets', () => {
    const setup = s['temporal-setup']!.command!.join('\n');
    for (const name of Object.keys(SEARCH_ATTRIBUTE_DEFINITIONS)) expect(setup).toContain(name);
  });

  it('keeps the workers scrape-ready: metrics port exposed and scraped by Prometheus, readiness probed', () => {
    const env = s.worker!.environment!;
    const metricsPort = String(hostAndPort(env.LST_METRICS_ADDRESS!).port);
    expect(s.worker?.expose).toContain(metricsPort);
    expect(s.worker?.ports).toBeUndefined(); // replicas cannot share a host port
    expectReadinessCheck(s.worker?.healthcheck?.test, env.LST_HEALTH_ADDRESS);
    const prometheus = readYaml<{ scrape_configs: { dns_sd_configs: { names: string[]; port: number }[] }[] }>('deploy/prometheus.yml');
    expect(prometheus.scrape_configs[0]!.dns_sd_configs[0]).toMatchObject({ names: ['worker'], port: Number(metricsPort) });
  });

  it("provisions Grafana with the package's dashboard, on the Prometheus that scrapes the workers", () => {
    const mounts = new Map(s.grafana!.volumes!.map((v) => v.split(':') as [string, string, string?]).map(([host, container]) => [container, host]));
    for (const host of mounts.values()) expect(existsSync(join(ROOT, 'deploy', host)), host).toBe(true);
    const provisioning = join('deploy', mounts.get('/etc/grafana/provisioning')!);
    const provider = readYaml<{ providers: { options: { path: string } }[] }>(join(provisioning, 'dashboards', 'label-studio-temporal.yml'));
    const dashboardsPath = provider.providers[0]!.options.path;
    expect(mounts.get(`${dashboardsPath}/label-studio-temporal.json`)).toBe('./grafana/label-studio-temporal.json');
    const datasource = readYaml<{ datasources: { type: string; url: string }[] }>(join(provisioning, 'datasources', 'prometheus.yml')).datasources[0]!;
    expect(datasource.type).toBe('prometheus');
    const prometheusPort = s.prometheus!.ports![0]!.split(':').at(-1);
    expect(datasource.url).toBe(`http://prometheus:${prometheusPort}`);
    expect(s.grafana?.environment?.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD[:?}]/);
  });

  it('takes secrets from the environment, never from the file', () => {
    expect(s.worker?.environment?.LABEL_STUDIO_API_KEY).toMatch(/^\$\{LABEL_STUDIO_API_KEY[:?}]/);
    expect(s.postgresql?.environment?.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD[:?}]/);
  });
});

describe('both compose files', () => {
  it.each([
    ['docker-compose.yml', compose],
    ['deploy/docker-compose.yml', production],
  ] as const)('%s: pins images, publishes on 127.0.0.1 only, health-checks every long-running service, sets only variables the worker reads', (_, file) => {
    const oneShots = new Set(
      Object.values(file.services).flatMap((svc) =>
        Object.entries(svc.depends_on ?? {})
          .filter(([, d]) => d.condition === 'service_completed_successfully')
          .map(([name]) => name),
      ),
    );
    for (const [name, service] of Object.entries(file.services)) {
      if (service.image) expect(service.image, name).toMatch(/:v?[0-9][\w.-]*$/);
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
      if (!oneShots.has(name)) expect(service.healthcheck?.test, name).toBeDefined();
    }
    expectOnlyVariablesTheWorkerReads(file.services.worker!.environment!, _);
  });
});

describe('deploy/kubernetes/worker.yaml', () => {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'deploy/kubernetes/worker.yaml'), 'utf8')).map((d) => d.toJS() as K8sObject);
  const config = docs.find((d) => d.kind === 'ConfigMap')!.data!;
  const deployment = docs.find((d) => d.kind === 'Deployment')!;
  const container = deployment.spec!.template!.spec.containers[0]!;
  const portNamed = (name: string) => container.ports.find((p) => p.name === name)?.containerPort;

  it('probes liveness and readiness on the health server the config starts', () => {
    const healthPort = hostAndPort(config.LST_HEALTH_ADDRESS!).port;
    expect(portNamed('health')).toBe(healthPort);
    expect(container.livenessProbe.httpGet).toEqual({ path: HEALTH_PATHS.liveness, port: 'health' });
    expect(container.readinessProbe.httpGet).toEqual({ path: HEALTH_PATHS.readiness, port: 'health' });
  });

  it('exposes the metrics port the config binds, through a Service', () => {
    expect(portNamed('metrics')).toBe(hostAndPort(config.LST_METRICS_ADDRESS!).port);
    const service = docs.find((d) => d.kind === 'Service')!;
    expect(service.spec!.ports).toEqual([expect.objectContaining({ name: 'metrics', targetPort: 'metrics' })]);
    expect(service.spec!.selector).toEqual(deployment.spec!.selector!.matchLabels);
  });

  it('runs as non-root with only variables the worker reads, the key from a Secret', () => {
    expect(deployment.spec!.template!.spec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false });
    expectOnlyVariablesTheWorkerReads(config, 'ConfigMap');
    expect(config.LABEL_STUDIO_API_KEY).toBeUndefined();
    expect(container.envFrom).toContainEqual({ secretRef: { name: 'label-studio-temporal' } });
  });
});

interface K8sObject {
  kind: string;
  data?: Record<string, string>;
  spec?: {
    selector?: { matchLabels: Record<string, string> } | Record<string, string>;
    ports?: { name: string; targetPort: string }[];
    template?: {
      spec: {
        securityContext: Record<string, unknown>;
        containers: {
          ports: { name: string; containerPort: number }[];
          livenessProbe: { httpGet: unknown };
          readinessProbe: { httpGet: unknown };
          securityContext: Record<string, unknown>;
          envFrom: unknown[];
        }[];
      };
    };
  };
}

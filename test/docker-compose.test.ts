import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_TASK_QUEUE } from '../src/config/task-queue';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../src/workflows/search-attributes';

// No Docker engine runs here, so docker-compose.yml and the Dockerfile are checked as text:
// every address the worker is given must point at a service and port the file defines.
const ROOT = join(__dirname, '..');
interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: string[];
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const { temporal, worker, 'label-studio': labelStudio } = compose.services;

describe('docker-compose.yml', () => {
  it('has a Temporal server with its UI, Label Studio and the worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(expect.arrayContaining(['label-studio', 'temporal', 'worker']));
    expect(temporal?.command).toEqual(expect.arrayContaining(['server', 'start-dev', '--ip=0.0.0.0']));
    expect(temporal?.ports).toEqual(expect.arrayContaining(['8233:8233']));
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image) expect(service.image, name).toMatch(/:[0-9][\w.-]*$/);
    }
  });

  it('registers the search attributes the client sets', () => {
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_DEFINITIONS)) {
      expect(temporal?.command).toContain(`--search-attribute=${name}=${type}`);
    }
  });

  it('points the worker at the Temporal and Label Studio services on the ports they listen on', () => {
    const env = worker!.environment!;
    const [temporalHost, temporalPort] = env.TEMPORAL_ADDRESS!.split(':');
    expect(temporalHost).toBe('temporal');
    expect(temporal?.command).toContain(`--port=${temporalPort}`);
    const lsUrl = new URL(env.LABEL_STUDIO_URL!);
    expect(lsUrl.hostname).toBe('label-studio');
    expect(labelStudio?.ports?.some((p) => p.endsWith(`:${lsUrl.port}`))).toBe(true);
    expect(worker?.depends_on).toEqual(expect.arrayContaining(['temporal', 'label-studio']));
    expect(env.LABEL_STUDIO_TEMPORAL_TASK_QUEUE).toBe(DEFAULT_TASK_QUEUE);
  });

  it('gives the worker and Label Studio the same key, from the environment, not written in the file', () => {
    expect(worker?.environment?.LABEL_STUDIO_API_KEY).toMatch(/^\$\{LABEL_STUDIO_API_KEY[:?}]/);
    expect(labelStudio?.environment?.LABEL_STUDIO_USER_TOKEN).toMatch(/^\$\{LABEL_STUDIO_API_KEY[:?}]/);
    expect(labelStudio?.environment?.LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN).toBe('true');
  });

  it('builds the worker from a Dockerfile whose command runs the compiled worker', () => {
    expect(worker?.build).toBe('.');
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm/m); // glibc: the native bridge has no musl build
    expect(dockerfile).toContain('CMD ["node", "dist/worker.js"]');
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(existsSync(join(ROOT, 'src', 'worker.ts'))).toBe(true);
  });
});

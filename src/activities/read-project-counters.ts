import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';
import type { ProjectCounters } from '../labelstudio/project-counters';
import { resolveClient } from './resolve-client';
import { asActivity } from './to-failure';

export interface ReadProjectCountersInput {
  connection: string;
  project: number;
}

/** The project's annotation counters (numbers only: nothing of the project's data reaches history). */
export function createReadProjectCounters(registry: LabelStudioClientRegistry) {
  return async function readProjectCounters({ connection, project }: ReadProjectCountersInput): Promise<ProjectCounters> {
    return asActivity(() => resolveClient(registry, connection).getProjectCounters(project));
  };
}

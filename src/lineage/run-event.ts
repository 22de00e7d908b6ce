// OpenLineage RunEvents for a sync run, spec 2-0-2. Pure: the activity adds the target it read from Label Studio.
import type { StorageRef } from '../activities/types';

export const OPENLINEAGE_SPEC = 'https://openlineage.io/spec/2-0-2/OpenLineage.json';
const FACETS = 'https://openlineage.io/spec/facets';

export type LineageEventType = 'START' | 'COMPLETE' | 'FAIL' | 'ABORT';

/** A check of what reached the target; the data-quality facet lists one assertion per check. */
export interface LineageCheck {
  assertion: string;
  success: boolean;
}

/** What the workflow knows of a run's transition: names and counts only, never a URL or key. */
export interface LineageEventInput {
  eventType: LineageEventType;
  eventTime: string;
  /** The workflow run's id: a UUID, as OpenLineage wants. */
  runId: string;
  ref: StorageRef;
  project: number | null;
  /** The project fan-out that started this sync. */
  parent?: { runId: string; job: string };
  /** Annotations Label Studio wrote (last_sync_count). */
  rowCount?: number | null;
  checks?: LineageCheck[];
  /** The failure's message (FAIL), as the sync's own failure carries it. */
  error?: string;
}

/** Where a dataset lives, in OpenLineage's naming: gs://bucket + prefix, file + path, and so on. */
export interface DatasetName {
  namespace: string;
  name: string;
}

export interface EventContext {
  namespace: string;
  producer: string;
  /** The storage's target; null when it could not be read or named. */
  target: DatasetName | null;
}

/** The job of a storage's syncs, named like its workflow id. */
export function storageJobName(ref: StorageRef): string {
  return `label-studio-sync/${ref.connection}/${ref.type}/${ref.id}`;
}

/** The job of a project fan-out. */
export function projectJobName(connection: string, project: number): string {
  return `label-studio-project-sync/${connection}/${project}`;
}

/** The Label Studio project as a dataset: named by the connection, never by Label Studio's URL. */
export function projectDataset(connection: string, project: number): DatasetName {
  return { namespace: `label-studio://${connection}`, name: `projects/${project}` };
}

export function runEvent(input: LineageEventInput, ctx: EventContext): Record<string, unknown> {
  const facet = (schema: string, body: Record<string, unknown>) => ({ _producer: ctx.producer, _schemaURL: `${FACETS}/${schema}`, ...body });
  const runFacets: Record<string, unknown> = {};
  if (input.parent) {
    runFacets.parent = facet('1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet', {
      run: { runId: input.parent.runId },
      job: { namespace: ctx.namespace, name: input.parent.job },
    });
  }
  if (input.error !== undefined) {
    runFacets.errorMessage = facet('1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet', { message: input.error, programmingLanguage: 'TypeScript' });
  }
  const output = ctx.target && {
    ...ctx.target,
    ...(input.checks?.length && {
      facets: { dataQualityAssertions: facet('1-1-0/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet', { assertions: input.checks }) },
    }),
    ...(typeof input.rowCount === 'number' && {
      outputFacets: { outputStatistics: facet('1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet', { rowCount: input.rowCount }) },
    }),
  };
  return {
    eventType: input.eventType,
    eventTime: input.eventTime,
    producer: ctx.producer,
    schemaURL: `${OPENLINEAGE_SPEC}#/$defs/RunEvent`,
    run: { runId: input.runId, ...(Object.keys(runFacets).length > 0 && { facets: runFacets }) },
    job: {
      namespace: ctx.namespace,
      name: storageJobName(input.ref),
      facets: { jobType: facet('2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet', { processingType: 'BATCH', integration: 'LABEL_STUDIO', jobType: 'EXPORT_SYNC' }) },
    },
    inputs: input.project === null ? [] : [projectDataset(input.ref.connection, input.project)],
    outputs: output ? [output] : [],
  };
}

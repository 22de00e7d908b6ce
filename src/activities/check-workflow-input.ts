import { resolvePipelineInput } from '../schema/pipeline-input';
import { resolveProjectSyncInput } from '../schema/project-sync-input';
import { resolveSyncInput } from '../schema/sync-input';

const SCHEMAS = {
  syncExportStorage: resolveSyncInput,
  syncProjectExports: resolveProjectSyncInput,
  annotationPipeline: resolvePipelineInput,
};

export type CheckedWorkflow = keyof typeof SCHEMAS;

/**
 * The schema check of an input that reached a workflow without our client (any Temporal client can
 * start one): run on the worker, outside the sandbox, so the workflows never load zod. Throws the
 * schema's non-retryable InvalidInput naming the field.
 */
export async function checkWorkflowInput<W extends CheckedWorkflow>(workflow: W, input: Parameters<(typeof SCHEMAS)[W]>[0]): Promise<ReturnType<(typeof SCHEMAS)[W]>> {
  return SCHEMAS[workflow](input as never) as ReturnType<(typeof SCHEMAS)[W]>;
}

import type { Client } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../config/task-queue';
import { annotationEventsSignal, type AnnotationEvents } from '../workflows/annotation-events';
import type { annotationPipeline } from '../workflows/annotation-pipeline';
import type { AnnotationPipelineInput } from '../workflows/pipeline-types';
import { pipelineWorkflowId, projectKey } from '../workflows/project-ids';
import { SYNC_PRIORITY, taskPriority } from '../workflows/task-priority';
import { PROJECT_KEY } from '../workflows/search-attributes';

/** How pipelines are started; applies when an event finds none running for its project. */
export interface PipelineStartOptions {
  connection?: string;
  taskQueue?: string;
  pipeline?: Omit<AnnotationPipelineInput, 'connection' | 'project' | 'carry'>;
  /** Tag pipelines with the LabelStudioProject search attribute; default true. */
  searchAttributes?: boolean;
}

/** The project's pipeline workflow id: every event of a project lands in the same workflow. */
export function pipelineIdFor(options: PipelineStartOptions, project: number): string {
  return pipelineWorkflowId(options.connection ?? 'default', project);
}

/**
 * Delivers a project's events to its pipeline, starting the pipeline if none runs: the workflow id
 * is the project's, so every event of a project lands in the same workflow. Answers the workflow id.
 */
export async function signalAnnotationPipeline(client: Client, events: AnnotationEvents, options: PipelineStartOptions = {}): Promise<string> {
  return (await signalPipelineRun(client, events, options)).workflowId;
}

/** signalAnnotationPipeline, answering also the run the events went to (the receiver follows it). */
export async function signalPipelineRun(client: Client, events: AnnotationEvents, options: PipelineStartOptions = {}): Promise<{ workflowId: string; runId: string }> {
  const connection = options.connection ?? 'default';
  const workflowId = pipelineIdFor(options, events.project);
  const handle = await client.workflow.signalWithStart<typeof annotationPipeline, [AnnotationEvents]>('annotationPipeline', {
    workflowId,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    args: [{ ...options.pipeline, connection, project: events.project }],
    signal: annotationEventsSignal,
    signalArgs: [events],
    // Someone waits for what the pipeline leads to (a model, a dataset): it runs ahead of batch syncs.
    priority: taskPriority(connection, SYNC_PRIORITY.interactive),
    typedSearchAttributes: options.searchAttributes === false ? undefined : [{ key: PROJECT_KEY, value: projectKey(connection, events.project) }],
  });
  return { workflowId, runId: handle.signaledRunId };
}

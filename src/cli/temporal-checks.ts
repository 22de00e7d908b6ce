import { isGrpcServiceError, type Client, type WorkflowService } from '@temporalio/client';
import { ConfigError } from '../config/config-error';
import { NoWorkerError } from './no-worker';
import { TemporalUnreachableError } from './temporal-unreachable';

const GRPC_NOT_FOUND = 5;
// temporal.api.enums.v1: TASK_QUEUE_KIND_NORMAL and TASK_QUEUE_TYPE_WORKFLOW.
const KIND_NORMAL = 1;
const TYPE_WORKFLOW = 1;

/**
 * An unknown namespace is a configuration error (exit 5), found before anything starts (a worker would
 * bundle its workflows first); no answer: exit 4. Takes a client's or a native connection's service.
 */
export async function checkNamespace(service: WorkflowService, namespace: string, address: string): Promise<void> {
  try {
    await service.describeNamespace({ namespace });
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) {
      throw new ConfigError('TEMPORAL_NAMESPACE', `namespace ${JSON.stringify(namespace)} does not exist on ${address}`, 'Set it to an existing namespace, or create this one (temporal operator namespace create)');
    }
    throw new TemporalUnreachableError(address, err);
  }
}

/**
 * Fails with NoWorkerError when no worker polled the task queue lately (the server keeps pollers for
 * a few minutes), so a command does not wait hours for a workflow nobody runs.
 */
export async function assertWorkerPolls(client: Client, namespace: string, taskQueue: string): Promise<void> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: KIND_NORMAL },
    taskQueueType: TYPE_WORKFLOW,
  });
  if (!pollers?.length) throw new NoWorkerError(taskQueue, namespace);
}

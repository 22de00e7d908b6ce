import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { connectionEnvPrefix } from '../config/label-studio-connections';
import { FailureType } from '../failure-types';
import type { LabelStudioClient } from '../labelstudio/client';
import type { LabelStudioClientRegistry } from '../labelstudio/client-registry';

/**
 * The connection's client, bound to the running activity: when the activity is cancelled or times out,
 * its Label Studio requests are aborted with it instead of running on beside its retry's.
 */
export function resolveClient(registry: LabelStudioClientRegistry, connection: string): LabelStudioClient {
  const client = registry.get(connection);
  if (client) return client.withSignal(Context.current().cancellationSignal);
  const prefix = connectionEnvPrefix(connection);
  throw ApplicationFailure.nonRetryable(
    `no Label Studio connection named ${JSON.stringify(connection)} on this worker (it has: ${registry.names().join(', ') || 'none'}); ` +
      `configure it with ${prefix}URL and ${prefix}API_KEY${connection === 'default' ? '' : ` and list it in LABEL_STUDIO_CONNECTIONS`}`,
    FailureType.UnknownConnection,
  );
}

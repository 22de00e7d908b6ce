import { checkSyncInput } from '../../client/check-input';
import { startStorageSync } from '../../client/sync-client';
import type { StorageType } from '../../labelstudio/storage-types';
import type { SyncExportStorageInput } from '../../schema/sync-input';
import type { SyncOptions } from '../commands/sync';
import { policyFrom } from '../commands/policy-options';
import { holdSignals, signalExitCode } from '../cancel-on-signal';
import { ExitCode } from '../exit-codes';
import { followSyncToTheEnd } from '../follow-sync';
import { checkJoinedSync } from '../joined-sync';
import { openTemporalSession } from '../temporal-session';

function toInput(type: string, id: number, o: SyncOptions): SyncExportStorageInput {
  // The type is checked by the workflow's own input check, with a clear message.
  return { connection: o.connection, storageType: type as StorageType, storageId: id, policy: policyFrom(o) };
}

/** `sync <type> <id>`: starts (or joins) the storage's sync workflow and follows it to its report. */
export async function runSync(type: string, id: number, options: SyncOptions): Promise<number> {
  const input = toInput(type, id, options);
  checkSyncInput(input); // bad input fails before a server is started or reached
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const session = await openTemporalSession({ worker: options.worker, log: err, requireWorker: !options.detach, ownTaskQueue: !options.detach });
  const held = holdSignals(); // from here on, a signal cancels the workflow this run starts
  try {
    const started = await startStorageSync(session.client, input, {
      taskQueue: session.taskQueue,
      searchAttributes: options.searchAttributes,
      priority: options.priority,
    });
    err(`${started.joined ? 'joined the running' : 'started'} workflow ${started.workflowId}`);
    if (options.detach) {
      process.stdout.write(options.json ? `${JSON.stringify({ workflowId: started.workflowId, joined: started.joined })}\n` : `${started.workflowId}\n`);
      const signal = held.handOver();
      return signal ? signalExitCode(signal) : ExitCode.Ok;
    }
    await checkJoinedSync(session, started, err);
    return await followSyncToTheEnd(started, Boolean(options.json), session.cancelGraceMs, err, () => held.handOver());
  } finally {
    held.handOver();
    await session.close();
  }
}

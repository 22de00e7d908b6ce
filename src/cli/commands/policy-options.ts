import { Option, type Command } from 'commander';
import type { SyncPolicy } from '../../schema/sync-input';

/** The per-storage sync policy flags, shared by every command that syncs. */
export interface PolicyFlags {
  pollInitial?: string;
  pollMax?: string;
  pollCoefficient?: string;
  timeout?: string;
  stallTimeout?: string;
  unreachableTimeout?: string;
  maxAttempts?: string;
  retryBackoff?: string;
  onCompletedWithErrors?: 'fail' | 'warn' | 'retry';
  verifyTarget?: 'off' | 'warn' | 'strict';
  verifyBy?: 'count' | 'keys';
  attach: boolean;
}

export function addPolicyOptions(command: Command): Command {
  return command
    .option('--poll-initial <duration>', 'first poll interval, e.g. 2s')
    .option('--poll-max <duration>', 'longest poll interval, e.g. 1m')
    .option('--poll-coefficient <n>', 'poll backoff coefficient')
    .option('--timeout <duration>', 'overall timeout of each storage sync, e.g. 6h')
    .option('--stall-timeout <duration>', 'fail a storage sync showing no progress this long, e.g. 30m')
    .option('--unreachable-timeout <duration>', 'fail once Label Studio has not answered at all this long, e.g. 5m (default: wait within --timeout)')
    .option('--max-attempts <n>', 'syncs to trigger at most per storage when they fail')
    .option('--retry-backoff <duration>', 'first wait between a failed sync and the next')
    .addOption(new Option('--on-completed-with-errors <policy>', 'what completed_with_errors means').choices(['fail', 'warn', 'retry']))
    .addOption(new Option('--verify-target <policy>', 'count the objects at the target after the sync').choices(['off', 'warn', 'strict']))
    .addOption(new Option('--verify-by <check>', 'how --verify-target checks: the object count, or every key the sync should have written').choices(['count', 'keys']))
    .option('--no-attach', 'trigger a new sync even when one is already running');
}

/** Unset flags stay undefined, so the workflow's defaults apply; values are checked by the workflow's own input check. */
export function policyFrom(o: PolicyFlags): SyncPolicy {
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  return {
    poll: { initial: o.pollInitial, max: o.pollMax, coefficient: num(o.pollCoefficient) },
    timeout: o.timeout,
    stallTimeout: o.stallTimeout,
    unreachableTimeout: o.unreachableTimeout,
    maxAttempts: num(o.maxAttempts),
    retryBackoff: o.retryBackoff ? { initial: o.retryBackoff } : undefined,
    onCompletedWithErrors: o.onCompletedWithErrors,
    verifyTarget: o.verifyTarget,
    verifyBy: o.verifyBy,
    attachToRunning: o.attach,
  };
}

import { ApplicationFailure } from '@temporalio/common';
import { SyncWorkflowError } from '../client/sync-failure';
import { ConfigError } from '../config/config-error';
import { FailureType } from '../failure-types';
import { ConnectionCheckError } from '../worker/connection-problem';
import { ExitCode, type ExitCodeValue } from './exit-codes';
import { NoWorkerError } from './no-worker';
import { TemporalUnreachableError } from './temporal-unreachable';
import { WorkerNotInstalledError } from './worker-not-installed';

const UNREACHABLE_TYPES = new Set([`${FailureType.LabelStudio}.connection`, `${FailureType.LabelStudio}.timeout`, FailureType.LabelStudioUnreachable]);

/** The exit code of a command that ended with this error. */
export function exitCodeForError(err: unknown): ExitCodeValue {
  if (err instanceof ConfigError || err instanceof WorkerNotInstalledError) return ExitCode.Config;
  if (err instanceof TemporalUnreachableError || err instanceof NoWorkerError) return ExitCode.Unreachable;
  if (err instanceof ConnectionCheckError) return err.problem.configuration ? ExitCode.Config : ExitCode.Unreachable;
  const type = err instanceof SyncWorkflowError ? err.failureType : err instanceof ApplicationFailure ? err.type : undefined;
  if (type === FailureType.InvalidInput) return ExitCode.BadInput;
  if (type === FailureType.UnknownConnection) return ExitCode.Config;
  if (type && UNREACHABLE_TYPES.has(type)) return ExitCode.Unreachable;
  if (type === FailureType.SyncCompletedWithErrors) return ExitCode.CompletedWithErrors;
  if (type === 'Cancelled') return ExitCode.Cancelled;
  if (err instanceof SyncWorkflowError) return ExitCode.SyncFailed;
  if (isConnectionError(err)) return ExitCode.Unreachable;
  return ExitCode.SyncFailed;
}

/** Temporal's client raises plain errors when the server cannot be reached. */
function isConnectionError(err: unknown): boolean {
  const text = `${(err as Error)?.name ?? ''} ${(err as Error)?.message ?? ''}`;
  return /TransportError|UNAVAILABLE|ECONNREFUSED|Failed to connect|connection refused|DEADLINE_EXCEEDED/i.test(text);
}

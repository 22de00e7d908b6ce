import type { SyncOutcome } from '../workflows/sync-report';

/**
 * Exit codes scripts can rely on, the same for every command (docs/cli.md, Exit codes). Which error gives
 * which code is error-exit-code's: that table loads the Temporal client, this one loads nothing.
 */
export const ExitCode = {
  Ok: 0,
  SyncFailed: 1,
  CompletedWithErrors: 2,
  BadInput: 3,
  Unreachable: 4,
  Config: 5,
  Cancelled: 6,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeForOutcome(outcome: SyncOutcome): ExitCodeValue {
  if (outcome === 'completed') return ExitCode.Ok;
  if (outcome === 'completed_with_errors') return ExitCode.CompletedWithErrors;
  if (outcome === 'cancelled') return ExitCode.Cancelled;
  return ExitCode.SyncFailed;
}

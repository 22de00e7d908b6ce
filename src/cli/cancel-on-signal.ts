import { ExitCode } from './exit-codes';

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

export interface CancelOnSignalOptions {
  workflowId: string;
  /** Cancels the workflow; absent when this run joined a workflow started elsewhere, which it leaves alone. */
  cancel?: () => Promise<unknown>;
  /** --json: say on stdout, as JSON, that no report came. */
  json: boolean;
  log: (line: string) => void;
  /** How long the cancelled workflow gets to report before the CLI exits without its report (see cancel-grace). */
  graceMs: number;
  /** A signal held while the workflow was being started (holdSignals), acted on at once; asked once these listeners are in place. */
  arrived?: () => HandledSignal | undefined;
}

/**
 * Holds SIGINT and SIGTERM while a command starts its workflow: without a listener, a signal then
 * kills the process by default and leaves the workflow it has just started running, uncancelled.
 * `handOver()` stops holding and answers the first signal that came, if any, for cancelOnSignal.
 */
export function holdSignals(): { handOver(): HandledSignal | undefined } {
  let first: HandledSignal | undefined;
  const listeners = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const listener = () => {
      first ??= signal;
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  return {
    handOver: () => {
      for (const [signal, listener] of listeners) process.off(signal, listener);
      return first;
    },
  };
}

/** The exit code of a run stopped by `signal` without waiting for a report. */
export function signalExitCode(signal: HandledSignal): number {
  return SIGNAL_EXIT_CODES[signal];
}

/**
 * While a command waits on its workflow: the first SIGINT or SIGTERM cancels the workflow, and the
 * command goes on waiting for the cancellation report (which it prints, then exits 6). If none comes
 * within the grace period, the CLI says so and exits 6 anyway. A second signal exits at once with
 * 128 + the signal number. Returns `release`, called once the wait is over: later signals get Node's
 * default handling again, unless one already arrived (then the bounded exit stays armed).
 */
export function cancelOnSignal(options: CancelOnSignalOptions): () => void {
  const { graceMs } = options;
  let received: HandledSignal | undefined;
  let released = false;
  const onSignal = (signal: HandledSignal) => {
    if (received) process.exit(SIGNAL_EXIT_CODES[signal]);
    received = signal;
    if (!options.cancel) {
      options.log(`${signal}: stopped waiting for ${options.workflowId}, which this run joined and leaves running`);
      process.exit(SIGNAL_EXIT_CODES[signal]);
    }
    options.log(`${signal}: cancelling ${options.workflowId} (a second signal exits at once)`);
    options.cancel().catch((err: unknown) => options.log(`could not cancel ${options.workflowId}: ${(err as Error).message}`));
    // Unref'd: it only ends a process that would otherwise outlive the grace period.
    setTimeout(() => {
      if (!released) printNoReport(options, `${options.workflowId} was asked to cancel but did not report within ${graceMs / 1000}s (no worker processed the cancellation?)`);
      process.exit(ExitCode.Cancelled);
    }, graceMs).unref();
  };
  const listeners = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const listener = () => onSignal(signal);
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  const arrived = options.arrived?.();
  if (arrived) onSignal(arrived);
  return () => {
    released = true;
    if (received) return;
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}

function printNoReport(options: CancelOnSignalOptions, message: string): void {
  if (options.json) process.stdout.write(`${JSON.stringify({ error: message, failureType: 'Cancelled', workflowId: options.workflowId, report: null }, null, 2)}\n`);
  options.log(`error: ${message}`);
}

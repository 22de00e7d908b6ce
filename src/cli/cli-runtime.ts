import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

/**
 * Installs the Temporal Runtime of a CLI process, before its first worker or native connection.
 * The Runtime's default SIGINT/SIGTERM handlers would stop the in-process worker while the command
 * still waits on its workflow; without them the CLI keeps the order (see cancel-on-signal): cancel
 * the workflow, let this worker run the cancellation, then stop the worker. Later calls do nothing.
 */
export function installCliRuntime(options: { logLevel?: LogLevel } = {}): void {
  if (installed) return;
  Runtime.install({
    shutdownSignals: [],
    // Native (core) logs print to stdout by default, into --json output (seen: a WARN when a cancelled
    // activity completes); forwarded, they go through the logger to stderr.
    telemetryOptions: { logging: { forward: {} } },
    ...(options.logLevel ? { logger: new DefaultLogger(options.logLevel) } : {}),
  });
  installed = true;
}

import { Runtime, type LogLevel } from '@temporalio/worker';
import { logLevelFromEnv } from '../config/observability';
import { cliLogger } from './cli-logger';

let installed = false;

/**
 * Installs the Temporal Runtime of a CLI process, before its first worker or native connection.
 * The Runtime's default SIGINT/SIGTERM handlers would stop the in-process worker while the command
 * still waits on its workflow; without them the CLI keeps the order (see cancel-on-signal): cancel
 * the workflow, let this worker run the cancellation, then stop the worker. Later calls do nothing.
 * SDK lines print one a line (see cli-logger), with their details only at LOG_LEVEL=debug or trace.
 */
export function installCliRuntime(options: { logLevel?: LogLevel } = {}): void {
  if (installed) return;
  // LOG_LEVEL as the worker reads it; unset, warnings and errors only (the CLI prints its own progress).
  const level = options.logLevel ?? (logLevelFromEnv(process.env, 'warn').toUpperCase() as LogLevel);
  Runtime.install({
    shutdownSignals: [],
    // Native (core) logs print to stdout by default, into --json output (seen: a WARN when a cancelled
    // activity completes); forwarded, they go through the logger to stderr.
    telemetryOptions: { logging: { forward: {} } },
    logger: cliLogger(level),
  });
  installed = true;
}

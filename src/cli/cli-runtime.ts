import { Runtime } from '@temporalio/worker';
import { logFormatFromEnv, logLevelFromEnv, type LogLevelName, type ObservabilityConfig } from '../config/observability';
import { createLogger, temporalLogger } from '../worker/logging';

let installed = false;

/**
 * How the CLI's in-process worker logs: through the worker's own logger (pino), so LOG_LEVEL and
 * LOG_FORMAT mean what they mean for `label-studio-temporal worker`. Unset, warnings and errors only
 * (the CLI prints its own progress), as readable lines (a person reads a CLI's stderr; LOG_FORMAT=json
 * for a collector).
 */
export function cliLogConfig(env: NodeJS.ProcessEnv, defaultLevel: LogLevelName = 'warn'): Pick<ObservabilityConfig, 'logLevel' | 'logFormat'> {
  return { logLevel: logLevelFromEnv(env, defaultLevel), logFormat: logFormatFromEnv(env, 'pretty') };
}

/**
 * Installs the Temporal Runtime of a CLI process, before its first worker or native connection.
 * The Runtime's default SIGINT/SIGTERM handlers would stop the in-process worker while the command
 * still waits on its workflow; without them the CLI keeps the order (see cancel-on-signal): cancel
 * the workflow, let this worker run the cancellation, then stop the worker. Later calls do nothing.
 */
export function installCliRuntime(options: { defaultLevel?: LogLevelName; env?: NodeJS.ProcessEnv } = {}): void {
  if (installed) return;
  const logger = createLogger(cliLogConfig(options.env ?? process.env, options.defaultLevel));
  Runtime.install({
    shutdownSignals: [],
    // Native (core) logs print to stdout by default, into --json output (seen: a WARN when a cancelled
    // activity completes); forwarded, they go through the logger to stderr.
    telemetryOptions: { logging: { forward: {} } },
    logger: temporalLogger(logger),
  });
  installed = true;
}

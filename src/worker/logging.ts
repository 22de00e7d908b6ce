import { DefaultLogger, LogTimestamp, type LogEntry } from '@temporalio/worker';
import pino, { type Logger as PinoLogger } from 'pino';
import type { LogLevelName, ObservabilityConfig } from '../config/observability';

/**
 * The worker's logger: one JSON object a line on stderr (or a readable line with LOG_FORMAT=pretty),
 * at LOG_LEVEL. Errors under `err` or `error` keep their type, message and stack.
 */
export function createLogger(config: Pick<ObservabilityConfig, 'logLevel' | 'logFormat'>, destination: NodeJS.WritableStream = process.stderr): PinoLogger {
  return pino(
    {
      level: config.logLevel,
      base: { name: 'label-studio-temporal' },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    config.logFormat === 'pretty' ? prettyLines(destination) : destination,
  );
}

/** A Temporal runtime logger that hands every SDK and Core log line to pino, at pino's level. */
export function temporalLogger(logger: PinoLogger): DefaultLogger {
  return new DefaultLogger(temporalLevel(logger.level as LogLevelName), (entry: LogEntry) => {
    const level = entry.level.toLowerCase() as LogLevelName;
    const { [LogTimestamp]: _time, ...meta } = entry.meta ?? {};
    logger[level](meta, entry.message);
  });
}

export function temporalLevel(level: LogLevelName): 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' {
  return level.toUpperCase() as ReturnType<typeof temporalLevel>;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** `12:00:00.000 INFO  message {fields}`: pino's JSON line, rewritten for a person at a terminal. */
function prettyLines(destination: NodeJS.WritableStream): { write(line: string): void } {
  return {
    write(line: string) {
      const { time, level, msg, name: _name, pid: _pid, hostname: _host, ...fields } = JSON.parse(line) as Record<string, unknown>;
      const rest = Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
      const clock = new Date(time as number).toISOString().slice(11, 23);
      destination.write(`${clock} ${(LEVEL_NAMES[level as number] ?? String(level)).padEnd(5)} ${String(msg ?? '')}${rest}\n`);
    },
  };
}

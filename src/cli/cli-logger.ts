import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';

/**
 * The logger of the CLI's in-process worker. At debug and trace, the SDK's own lines with every field and
 * stack; otherwise one line per entry on stderr (`warn: Activity failed: readStorage attempt 3: <error>`),
 * so a sync that retries prints one line per retry, not a stack trace each time.
 */
export function cliLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): DefaultLogger {
  if (level === 'DEBUG' || level === 'TRACE') return new DefaultLogger(level);
  return new DefaultLogger(level, (entry) => write(oneLine(entry)));
}

export function oneLine({ level, message, meta = {} }: LogEntry): string {
  const error = meta.error instanceof Error ? `: ${firstLine(meta.error.message)}` : '';
  const activity = typeof meta.activityType === 'string' ? `: ${meta.activityType}${typeof meta.attempt === 'number' ? ` attempt ${meta.attempt}` : ''}` : '';
  const delay = typeof meta.delayMs === 'number' ? ` (next in ${meta.delayMs} ms)` : '';
  return `${level.toLowerCase()}: ${firstLine(message)}${activity}${error}${delay}`;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!;
}

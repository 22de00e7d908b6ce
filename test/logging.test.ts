import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cliLogConfig } from '../src/cli/cli-runtime';
import { loadObservabilityConfig, logLevelFromEnv, type ObservabilityConfig } from '../src/config/observability';
import { createLogger, temporalLogger } from '../src/worker/logging';

function capture(config: Pick<ObservabilityConfig, 'logLevel' | 'logFormat'>) {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { logger: createLogger(config, out), lines: () => chunks.join('').trim().split('\n').filter(Boolean) };
}

describe('the worker logger', () => {
  it('writes SDK log lines as JSON objects, with the error, at the configured level', () => {
    const { logger, lines } = capture({ logLevel: 'info', logFormat: 'json' });
    const sdk = temporalLogger(logger);
    sdk.debug('not shown');
    sdk.warn('Activity failed', { activityType: 'triggerSync', error: new TypeError('boom') });
    const [entry, ...rest] = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ level: 40, msg: 'Activity failed', activityType: 'triggerSync', name: 'label-studio-temporal' });
    expect(entry!.error).toMatchObject({ type: 'TypeError', message: 'boom', stack: expect.stringContaining('TypeError: boom') });
  });

  it('writes a readable line with LOG_FORMAT=pretty', () => {
    const { logger, lines } = capture({ logLevel: 'debug', logFormat: 'pretty' });
    logger.debug({ taskQueue: 'q' }, 'polling');
    expect(lines()).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} DEBUG polling \{"taskQueue":"q"\}$/)]);
  });

  it('reads LOG_LEVEL and LOG_FORMAT, and names a bad value and its fix', () => {
    expect(loadObservabilityConfig({ LOG_LEVEL: 'WARN', LOG_FORMAT: 'pretty' })).toMatchObject({ logLevel: 'warn', logFormat: 'pretty' });
    expect(loadObservabilityConfig({})).toEqual({ logLevel: 'info', logFormat: 'json', tracing: 'off', metricsAddress: undefined, healthAddress: undefined });
    expect(() => loadObservabilityConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL: .*Use trace, debug, info, warn or error/);
    expect(() => loadObservabilityConfig({ LST_METRICS_ADDRESS: '9464' })).toThrow(/LST_METRICS_ADDRESS: is not host:port/);
    expect(loadObservabilityConfig({ LST_HEALTH_ADDRESS: '[::]:8081' }).healthAddress).toBe('[::]:8081');
  });
});

describe("the CLI's worker logger", () => {
  it('is the worker\'s logger: LOG_LEVEL and LOG_FORMAT as the worker reads them, warn and pretty when unset', () => {
    expect(cliLogConfig({})).toEqual({ logLevel: 'warn', logFormat: 'pretty' });
    expect(cliLogConfig({}, 'error')).toEqual({ logLevel: 'error', logFormat: 'pretty' });
    expect(cliLogConfig({ LOG_LEVEL: ' DEBUG ', LOG_FORMAT: 'JSON' }, 'error')).toEqual({ logLevel: 'debug', logFormat: 'json' });
    expect(() => cliLogConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT: "xml" .*Use json .* or pretty/);
  });

  it('reads LOG_LEVEL alone, with its own fallback', () => {
    expect(logLevelFromEnv({}, 'warn')).toBe('warn');
    expect(logLevelFromEnv({ LOG_LEVEL: ' DEBUG ' }, 'warn')).toBe('debug');
    expect(() => logLevelFromEnv({ LOG_LEVEL: 'loud' }, 'warn')).toThrow(/LOG_LEVEL: "loud" .*Use trace, debug, info, warn or error/);
  });
});

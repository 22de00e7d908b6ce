/**
 * The defaults of the workflows' inputs, apart from their schemas (src/schema): the schemas fill
 * them at the client, and the workflows fill them again without zod, which would otherwise be
 * loaded anew by every cached workflow (about 1.4 MB each).
 */
export const DEFAULT_POLICY = {
  poll: { initial: '2s', coefficient: 1.5, max: '15s' },
  timeout: '6h',
  stallTimeout: '30m',
  maxAttempts: 3,
  retryBackoff: { initial: '1m', coefficient: 2, max: '30m' },
  onCompletedWithErrors: 'fail',
  attachToRunning: true,
  verifyTarget: 'off',
  verifyBy: 'count',
} as const;

export const DEFAULT_CONNECTION = 'default';
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_FAIL_ON = 'any';
export const DEFAULT_DOWNSTREAM_WHEN = 'all-succeeded';
export const PIPELINE_DEFAULTS = { quietPeriod: '30s', maxWait: '5m', reconcileEvery: '10m', endAfterIdle: '0ms', batchesPerRun: 50 } as const;

/** Waiting for a sync workflow started elsewhere: its whole timeout, plus this for its last steps. */
export const JOIN_MARGIN_MS = 10 * 60_000;

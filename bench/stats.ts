// Small statistics for the benches' tables.

/** The q-quantile (0..1) by nearest rank; NaN for no values. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function seconds(ms: number, digits = 1): string {
  return Number.isFinite(ms) ? (ms / 1000).toFixed(digits) : '-';
}

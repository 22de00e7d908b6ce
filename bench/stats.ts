// Small statistics for the benches' tables.

/** The q-quantile (0..1) by nearest rank of the values that are numbers (a NaN would break the sort); NaN for none. */
export function quantile(values: number[], q: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function seconds(ms: number, digits = 1): string {
  return Number.isFinite(ms) ? (ms / 1000).toFixed(digits) : '-';
}

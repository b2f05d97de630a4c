/**
 * Percentiles by linear interpolation between the two nearest ranks (Excel's PERCENTILE.INC,
 * PostgreSQL's percentile_cont): rank p·(n−1) of the values sorted ascending, 0-based. `p` is
 * given in tenths (5 = median, 9 = p90) so the database can find the ranks in integer arithmetic.
 */
export interface PercentileRanks {
  readonly low: number;
  readonly high: number;
  /** How far between low and high, 0 ≤ fraction < 1. */
  readonly fraction: number;
}

export function percentileRanks(count: number, tenths: number): PercentileRanks {
  const scaled = (count - 1) * tenths;
  const low = Math.floor(scaled / 10);
  return { low, high: Math.min(low + 1, count - 1), fraction: (scaled % 10) / 10 };
}

/** The percentile from the values at its ranks (`valueAt(rank)`); null for no values. */
export function percentileOf(count: number, tenths: number, valueAt: (rank: number) => number | undefined): number | null {
  if (count <= 0) return null;
  const { low, high, fraction } = percentileRanks(count, tenths);
  const lower = valueAt(low);
  const upper = valueAt(high);
  if (lower === undefined || upper === undefined) return null;
  return lower + (upper - lower) * fraction;
}

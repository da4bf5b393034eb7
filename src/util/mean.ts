/** The arithmetic mean, once for the whole code (trial values, curves, reports, statistics, the GP's targets). */

/** Arithmetic mean, summed in order; NaN for no values; identical values give exactly that value back. */
export function mean(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  // Identical values give exactly that value back, not a rounded sum / n.
  if (allEqual(values)) return values[0]!;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  return sum / n;
}

/** Whether every value is the first one (true for none). */
export function allEqual(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

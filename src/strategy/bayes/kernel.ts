/**
 * Matérn-5/2 with one length scale per feature (ARD). A real feature contributes
 * ((a-b)/ℓ)² to the squared distance; a categorical one contributes 1/ℓ² when
 * the categories differ and 0 when they agree — the exchangeable kernel that
 * one-hot coding with a shared length scale amounts to, without the extra
 * dimensions and without implying an order among the categories.
 */

const SQRT5 = Math.sqrt(5);

/** Points as rows of a row-major matrix, one column per feature. */
export interface Features {
  readonly p: number;
  /** Per feature: 1 if categorical (values are category indices, -1 inactive). */
  readonly categorical: Uint8Array;
}

/** Squared scaled distance between row i of `a` and row j of `b`. */
export function sqDist(
  f: Features,
  invL2: Float64Array,
  a: Float64Array,
  i: number,
  b: Float64Array,
  j: number,
): number {
  const p = f.p;
  const oa = i * p;
  const ob = j * p;
  let r2 = 0;
  for (let d = 0; d < p; d++) {
    const delta = a[oa + d]! - b[ob + d]!;
    if (f.categorical[d]) {
      if (delta !== 0) r2 += invL2[d]!;
    } else r2 += delta * delta * invL2[d]!;
  }
  return r2;
}

/** The contribution of feature d to the squared distance, before scaling by 1/ℓ². */
export function featureSq(f: Features, a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  const delta = a[i * f.p + d]! - b[j * f.p + d]!;
  if (f.categorical[d]) return delta !== 0 ? 1 : 0;
  return delta * delta;
}

/** Matérn-5/2 correlation at squared distance r2. */
export function matern52(r2: number): number {
  const r = Math.sqrt(r2);
  return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

/** d matern52 / d(r²): finite at r = 0, so no special case for coincident points. */
export function matern52DerivR2(r2: number): number {
  const r = Math.sqrt(r2);
  return (-5 / 6) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/**
 * The dense linear algebra the Gaussian process needs, on lower-triangular
 * matrices stored packed by rows (row i starts at i(i+1)/2). Every inner loop
 * then runs over one contiguous prefix of a row, and a triangle grows by one
 * row without moving anything when a fantasy point joins the model.
 */

/** Offset of row i in a packed lower triangle. */
export const rowStart = (i: number): number => (i * (i + 1)) / 2;

/**
 * Σ a[ao+k]·b[bo+k] for k < len, in four independent partial sums: V8 does not
 * vectorize, and breaking the dependency chain lets the CPU overlap the
 * multiplies (about 1.4× faster on the forward solves that dominate).
 */
export function dotAt(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += a[ao + k]! * b[bo + k]!;
    s1 += a[ao + k + 1]! * b[bo + k + 1]!;
    s2 += a[ao + k + 2]! * b[bo + k + 2]!;
    s3 += a[ao + k + 3]! * b[bo + k + 3]!;
  }
  for (; k < len; k++) s0 += a[ao + k]! * b[bo + k]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * The Cholesky factor of the symmetric matrix whose lower triangle is `a`
 * (packed), or undefined when it is not positive definite at this jitter.
 */
function choleskyOnce(a: Float64Array, n: number, jitter: number): Float64Array | undefined {
  const l = new Float64Array(a.length);
  for (let i = 0; i < n; i++) {
    const ri = rowStart(i);
    for (let j = 0; j <= i; j++) {
      const rj = rowStart(j);
      const s = a[ri + j]! - dotAt(l, ri, l, rj, j);
      if (j < i) l[ri + j] = s / l[rj + j]!;
      else {
        const diag = s + jitter;
        if (!(diag > 0)) return undefined;
        l[ri + i] = Math.sqrt(diag);
      }
    }
  }
  return l;
}

/**
 * Cholesky with jitter retries: a matrix that is positive semi-definite on paper
 * (duplicate points, tiny noise) is often not in floating point, and adding a
 * little to the diagonal is the least distortion that makes it factorable.
 * `scale` is the size of the diagonal, so the jitter is relative to it.
 */
export function cholesky(a: Float64Array, n: number, scale = 1): { l: Float64Array; jitter: number } {
  for (let jitter = 0, t = 0; t < 12; t++, jitter = scale * 10 ** (t - 10)) {
    const l = choleskyOnce(a, n, jitter);
    if (l) return { l, jitter };
  }
  throw new Error("matrix is not positive definite even with large jitter");
}

/** Solves L x = b in place (forward substitution), using rows 0..n-1 of L. */
export function solveLowerInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = rowStart(i);
    b[i] = (b[i]! - dotAt(l, ri, b, 0, i)) / l[ri + i]!;
  }
}

/** Solves Lᵀ x = b in place (back substitution). */
export function solveUpperInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    b[i] = b[i]! / l[rowStart(i) + i]!;
    const xi = b[i]!;
    const ri = rowStart(i);
    // Row i of L is column i of Lᵀ: subtract its contribution from the rows above.
    for (let k = 0; k < i; k++) b[k] = b[k]! - l[ri + k]! * xi;
  }
}

/**
 * (L Lᵀ)⁻¹ as a packed lower triangle. Column j of M = L⁻¹ is zero above row j
 * and comes from a forward solve that starts at row j; stored as the rows of
 * an upper triangle, each entry of (L Lᵀ)⁻¹ = Mᵀ M is then a dot product of two
 * contiguous row suffixes, like every other inner loop here.
 */
export function choleskyInverse(l: Float64Array, n: number): Float64Array {
  // Row j of the upper triangle holds M[j..n-1][j] and starts at upper(j).
  const upper = (j: number) => j * n - (j * (j - 1)) / 2;
  const mt = new Float64Array(upper(n));
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col[j] = 1 / l[rowStart(j) + j]!;
    for (let i = j + 1; i < n; i++) {
      const ri = rowStart(i);
      col[i] = -dotAt(l, ri + j, col, j, i - j) / l[ri + i]!;
    }
    mt.set(col.subarray(j, n), upper(j));
  }
  const out = new Float64Array(rowStart(n));
  for (let i = 0; i < n; i++) {
    const ri = rowStart(i);
    const oi = upper(i);
    for (let j = 0; j <= i; j++) out[ri + j] = dotAt(mt, oi, mt, upper(j) + (i - j), n - i);
  }
  return out;
}

export function dot(a: Float64Array, b: Float64Array, n: number): number {
  return dotAt(a, 0, b, 0, n);
}

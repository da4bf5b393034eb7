/**
 * The dense linear algebra the Gaussian process needs, on lower-triangular
 * matrices stored packed by rows (row i starts at i(i+1)/2). Every inner loop
 * then runs over one contiguous prefix of a row, and a triangle grows by one
 * row without moving anything when a fantasy point joins the model.
 */

import { borrowMemory, type SolveMemory } from "./simd.ts";

/** Offset of row i in a packed lower triangle. */
export const rowStart = (i: number): number => (i * (i + 1)) / 2;

/**
 * Σ a[ao+k]·b[bo+k] for k < len, in four independent partial sums: breaking the
 * dependency chain lets the CPU overlap the multiplies. simd.ts rounds its dot
 * products exactly this way, so the solves done there and here agree.
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
 * Factors the symmetric matrix whose lower triangle is packed at offset 0 of
 * `m` into L at offset rowStart(n), or returns false when it is not positive
 * definite at this jitter. Row i of L left of the diagonal solves
 * L[0..i) x = A[i][0..i), the forward solve `m` does fast, with the arithmetic
 * of the textbook loop (each entry's dot product over the entries before it).
 */
function choleskyOnce(m: SolveMemory, n: number, jitter: number): boolean {
  const lAt = rowStart(n);
  for (let i = 0; i < n; i++) {
    const ri = rowStart(i);
    m.forward(lAt, lAt + ri, ri, 0, i);
    const diag = m.f64[ri + i]! - m.dot(lAt + ri, lAt + ri, i) + jitter;
    if (!(diag > 0)) return false;
    m.f64[lAt + ri + i] = Math.sqrt(diag);
  }
  return true;
}

/** Who last used the shared memory, as far as factorizations are concerned. */
const FACTORIZATION = {};

/**
 * Cholesky with jitter retries: a matrix that is positive semi-definite on paper
 * (duplicate points, tiny noise) is often not in floating point, and adding a
 * little to the diagonal is the least distortion that makes it factorable.
 * `scale` is the size of the diagonal, so the jitter is relative to it.
 */
export function cholesky(a: Float64Array, n: number, scale = 1): { l: Float64Array; jitter: number } {
  const size = rowStart(n);
  const m = borrowMemory(FACTORIZATION, 2 * size).memory;
  m.f64.set(a.subarray(0, size));
  for (let jitter = 0, t = 0; t < 12; t++, jitter = scale * 10 ** (t - 10))
    if (choleskyOnce(m, n, jitter)) return { l: m.f64.slice(size, 2 * size), jitter };
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

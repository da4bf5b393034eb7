/**
 * A small limited-memory BFGS minimizer with box bounds handled by projection,
 * enough for the dozen or so kernel hyperparameters: the two-loop recursion
 * for the direction, a backtracking Armijo search along the projected path.
 */

export type ValueAndGradient = (x: Float64Array, grad: Float64Array) => number;

export interface MinimizeOptions {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly maxIterations: number;
  /** Pairs of (step, gradient change) remembered. */
  readonly memory?: number;
}

export function minimize(
  fg: ValueAndGradient,
  start: Float64Array,
  opts: MinimizeOptions,
): { x: Float64Array; f: number } {
  const n = start.length;
  const { lower, upper } = opts;
  const m = opts.memory ?? 6;
  const project = (v: Float64Array) => {
    for (let i = 0; i < n; i++) v[i] = Math.min(upper[i]!, Math.max(lower[i]!, v[i]!));
  };
  let x = Float64Array.from(start);
  project(x);
  let g = new Float64Array(n);
  let f = fg(x, g);
  if (!Number.isFinite(f)) return { x, f };
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  const rhos: number[] = [];
  const dir = new Float64Array(n);
  const alpha = new Float64Array(m);
  for (let iter = 0; iter < opts.maxIterations; iter++) {
    // A variable held at a bound by a gradient that pushes outwards does not move.
    const free = (i: number) => !(x[i]! <= lower[i]! && g[i]! > 0) && !(x[i]! >= upper[i]! && g[i]! < 0);
    let gNorm = 0;
    for (let i = 0; i < n; i++) if (free(i)) gNorm = Math.max(gNorm, Math.abs(g[i]!));
    if (gNorm < 1e-6) break;

    for (let i = 0; i < n; i++) dir[i] = free(i) ? -g[i]! : 0;
    const k = ss.length;
    for (let j = k - 1; j >= 0; j--) {
      let a = 0;
      for (let i = 0; i < n; i++) a += ss[j]![i]! * dir[i]!;
      a *= rhos[j]!;
      alpha[j] = a;
      for (let i = 0; i < n; i++) dir[i] = dir[i]! - a * ys[j]![i]!;
    }
    if (k > 0) {
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        sy += ss[k - 1]![i]! * ys[k - 1]![i]!;
        yy += ys[k - 1]![i]! * ys[k - 1]![i]!;
      }
      const gamma = sy / yy;
      for (let i = 0; i < n; i++) dir[i] = dir[i]! * gamma;
    } else {
      // No curvature known yet: a first step of unit length in the largest coordinate.
      for (let i = 0; i < n; i++) dir[i] = dir[i]! / gNorm;
    }
    for (let j = 0; j < k; j++) {
      let b = 0;
      for (let i = 0; i < n; i++) b += ys[j]![i]! * dir[i]!;
      b *= rhos[j]!;
      for (let i = 0; i < n; i++) dir[i] = dir[i]! + ss[j]![i]! * (alpha[j]! - b);
    }
    for (let i = 0; i < n; i++) if (!free(i)) dir[i] = 0;
    let slope = 0;
    for (let i = 0; i < n; i++) slope += dir[i]! * g[i]!;
    if (!(slope < 0)) {
      // The memory no longer describes the function here: restart from steepest descent.
      ss.length = 0;
      ys.length = 0;
      rhos.length = 0;
      for (let i = 0; i < n; i++) dir[i] = free(i) ? -g[i]! / gNorm : 0;
    }

    let t = 1;
    let accepted = false;
    const xNew = new Float64Array(n);
    const gNew = new Float64Array(n);
    let fNew = f;
    for (let tries = 0; tries < 30; tries++, t *= 0.5) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + t * dir[i]!;
      project(xNew);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += g[i]! * (xNew[i]! - x[i]!);
      fNew = fg(xNew, gNew);
      if (Number.isFinite(fNew) && fNew <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
      sy += s[i]! * y[i]!;
    }
    if (sy > 1e-12) {
      if (ss.length === m) {
        ss.shift();
        ys.shift();
        rhos.shift();
      }
      ss.push(s);
      ys.push(y);
      rhos.push(1 / sy);
    }
    const done = Math.abs(f - fNew) <= 1e-9 * Math.max(1, Math.abs(f));
    x = xNew;
    g = gNew;
    f = fNew;
    if (done) break;
  }
  return { x, f };
}

/**
 * Grid search points: the cartesian product of each parameter's grid values, in
 * a fixed order (the first parameter varies slowest, as in itertools.product),
 * with conditional parameters only varied where their condition holds.
 */

import type { Parameter, Scalar } from "./parameter-schema.ts";
import { isActive, type Params, type Space, snapToStep } from "./space.ts";

/**
 * The grid values of one parameter, lazily: a range of whole numbers or of
 * steps can have billions, and the grid is only ever walked or counted up to
 * a limit, never held whole.
 */
export function gridValues(p: Parameter): Iterable<Scalar> {
  switch (p.type) {
    case "constant":
      return [p.value];
    case "categorical":
      return p.values;
    case "float":
    case "int": {
      if (p.values) return [...new Set(p.values)];
      if (p.points !== undefined) return spread(p, p.points);
      const step = p.step;
      if (step !== undefined) {
        const n = Math.floor((p.max - p.min) / step + 1e-9) + 1;
        return counting(n, (k) => snapToStep(p.min, p.max, step, p.min + k * step));
      }
      // Only integers reach here without points (the schema asks floats for them).
      return counting(p.max - p.min + 1, (k) => p.min + k);
    }
  }
}

function* counting(n: number, at: (k: number) => Scalar): Generator<Scalar> {
  for (let k = 0; k < n; k++) yield at(k);
}

function spread(p: Extract<Parameter, { type: "float" | "int" }>, n: number): Scalar[] {
  const at = (t: number) =>
    p.scale === "log"
      ? Math.exp(Math.log(p.min) + t * (Math.log(p.max) - Math.log(p.min)))
      : p.min + t * (p.max - p.min);
  const xs = Array.from({ length: n }, (_, k) => {
    const x = at(k / (n - 1));
    if (p.type === "int") return Math.round(x);
    return p.step !== undefined ? snapToStep(p.min, p.max, p.step, x) : Number(x.toPrecision(12));
  });
  return [...new Set(xs)];
}

/**
 * Enumerates the grid lazily in the space's order, so that a huge grid can be
 * counted up to a limit or taken from its start.
 */
export function* gridPoints(space: Space): Generator<Params> {
  const dims = space.dims;
  function* walk(i: number, acc: Record<string, Scalar>): Generator<Params> {
    if (i === dims.length) {
      yield { ...acc };
      return;
    }
    const { name, param } = dims[i]!;
    if (!isActive(param, acc)) {
      yield* walk(i + 1, acc);
      return;
    }
    for (const v of gridValues(param)) {
      acc[name] = v;
      yield* walk(i + 1, acc);
    }
    delete acc[name];
  }
  yield* walk(0, {});
}

/** The number of grid points, counted up to `limit` (returns limit when there are more). */
export function gridSize(space: Space, limit = 1_000_000): number {
  let n = 0;
  for (const _ of gridPoints(space)) if (++n >= limit) break;
  return n;
}

/**
 * How the Parzen estimators see each dimension of the unit cube. A value is
 * represented as a cube coordinate (continuous), the index of the bin of the
 * cube that decodes to it (integers and stepped floats), or a category index.
 * Discrete dimensions are scored by a kernel's probability mass on the bin, as
 * Optuna does, rather than by its density at one point: with narrow kernels the
 * two differ a lot, and the mass is what the decoded configuration really gets.
 */

import type { Parameter, Scalar } from "../../space/parameter-schema.ts";
import { decode, encode, type Params, type Space } from "../../space/space.ts";

export type DimKind =
  | { readonly kind: "continuous" }
  | {
      readonly kind: "discrete";
      /** Bin j of the cube is [edges[j], edges[j+1]); edges[0] = 0 and the last edge is 1. */
      readonly edges: Float64Array;
      /** Where each bin's value sits in the cube: the kernel centre of an observation. */
      readonly centers: Float64Array;
      readonly binOf: ReadonlyMap<Scalar, number>;
    }
  | { readonly kind: "categorical"; readonly n: number; readonly values: readonly Scalar[] };

export interface GeoDim {
  /** Position in the space's dims (and in cube points). */
  readonly index: number;
  readonly name: string;
  readonly kind: DimKind;
}

/** The dimensions worth modelling: constants are left out, since they never vary. */
export interface Geometry {
  readonly dims: readonly GeoDim[];
  /** The number of cube coordinates (the space's dims, constants included). */
  readonly size: number;
}

/**
 * Beyond this many values a discrete dimension is modelled as continuous: its
 * bins are then narrower than the narrowest kernel, and finding their edges
 * would cost more than it changes.
 */
const MAX_BINS = 512;

const kinds = new WeakMap<Parameter, DimKind>();

export function geometryOf(space: Space): Geometry {
  const dims: GeoDim[] = [];
  space.dims.forEach((d, index) => {
    if (d.param.type === "constant") return;
    let kind = kinds.get(d.param);
    if (!kind) {
      kind = kindOf(d.param);
      kinds.set(d.param, kind);
    }
    dims.push({ index, name: d.name, kind });
  });
  return { dims, size: space.dims.length };
}

function kindOf(param: Parameter): DimKind {
  if (param.type === "categorical") return { kind: "categorical", n: param.values.length, values: param.values };
  if (param.type === "int" || (param.type === "float" && param.step !== undefined)) {
    return discreteKind(param) ?? { kind: "continuous" };
  }
  return { kind: "continuous" };
}

/**
 * Finds the bins by bisection on decode itself, which is monotone in each
 * numeric coordinate: whatever rounding and snapping decode does, the bins are
 * exactly the stretches of the cube that run the same value.
 */
function discreteKind(param: Parameter & { type: "int" | "float" }): DimKind | undefined {
  const step = param.step ?? 1;
  if (Math.floor((param.max - param.min) / step + 1e-9) + 1 > MAX_BINS) return undefined;
  const { when: _, ...alone } = param;
  const single: Space = { dims: [{ name: "x", param: alone }] };
  const at = (u: number) => Number(decode(single, [u]).x);
  const top = 1 - Number.EPSILON;
  const values = [at(0)];
  const edges = [0];
  let lo = 0;
  while (at(top) > values[values.length - 1]!) {
    if (values.length > MAX_BINS) return undefined;
    const last = values[values.length - 1]!;
    let a = lo;
    let b = top;
    while (b - a > 4 * Number.EPSILON) {
      const m = 0.5 * (a + b);
      if (m <= a || m >= b) break;
      if (at(m) > last) b = m;
      else a = m;
    }
    edges.push(b);
    values.push(at(b));
    lo = b;
  }
  edges.push(1);
  return {
    kind: "discrete",
    edges: Float64Array.from(edges),
    centers: Float64Array.from(values, (v) => encode(single, { x: v })[0]!),
    binOf: new Map(values.map((v, j) => [v, j])),
  };
}

/** A configuration as the estimators see it; NaN where a parameter is inactive. */
export function represent(geo: Geometry, space: Space, params: Params): Float64Array {
  const u = encode(space, params);
  const rep = new Float64Array(geo.size).fill(Number.NaN);
  for (const d of geo.dims) {
    if (!(d.name in params)) continue;
    const v = params[d.name]!;
    const x = Math.min(1 - Number.EPSILON, Math.max(0, u[d.index]!));
    const k = d.kind;
    if (k.kind === "continuous") rep[d.index] = x;
    else if (k.kind === "categorical") {
      const i = k.values.indexOf(v);
      rep[d.index] = i >= 0 ? i : Math.min(k.n - 1, Math.floor(x * k.n));
    } else rep[d.index] = k.binOf.get(v) ?? binAt(k.edges, x);
  }
  return rep;
}

/** A cube point that decodes to a representation (its unmodelled coordinates at the centre). */
export function toCube(geo: Geometry, rep: Float64Array): number[] {
  const u = new Array<number>(geo.size).fill(0.5);
  for (const d of geo.dims) {
    const r = rep[d.index]!;
    const k = d.kind;
    if (k.kind === "continuous") u[d.index] = r;
    else if (k.kind === "categorical") u[d.index] = (r + 0.5) / k.n;
    else u[d.index] = 0.5 * (k.edges[r]! + k.edges[r + 1]!);
  }
  return u;
}

export function binAt(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

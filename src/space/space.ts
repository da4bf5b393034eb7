/**
 * The search space: every parameter as one dimension of the unit cube, and the
 * maps between points of the cube and runnable configurations. Strategies work in
 * the cube; decode turns a point into exactly what will run (log scales, integer
 * rounding, steps, categories, and conditional parameters dropped when their
 * condition does not hold).
 */
import type { Parameter, Scalar } from "./parameter-schema.ts";
import { defaultsOf, isActive, type NamedParameter, type Params, parametersInOrder } from "./parameters.ts";

export { isActive, type Params };

export type Dimension = NamedParameter;

export interface Space {
  /** In dependency order: a parameter comes after those its `when` names. */
  readonly dims: readonly Dimension[];
}

export function buildSpace(parameters: Readonly<Record<string, Parameter>>): Space {
  return { dims: parametersInOrder(parameters) };
}

/** The configuration at point `u` of the unit cube (one coordinate per dimension). */
export function decode(space: Space, u: readonly number[]): Params {
  const out: Record<string, Scalar> = {};
  space.dims.forEach((d, i) => {
    if (isActive(d.param, out)) out[d.name] = decodeOne(d.param, clamp01(u[i] ?? 0.5));
  });
  return out;
}

/** The unit-cube point of a configuration; inactive parameters sit at the centre. */
export function encode(space: Space, params: Params): number[] {
  return space.dims.map((d) => (d.name in params ? encodeOne(d.param, params[d.name]!) : 0.5));
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x >= 1 ? 1 - Number.EPSILON : x;
}

/** The value of one parameter at coordinate `u` of its dimension. */
export function decodeOne(p: Parameter, u: number): Scalar {
  switch (p.type) {
    case "constant":
      return p.value;
    case "categorical":
      return p.values[Math.min(p.values.length - 1, Math.floor(u * p.values.length))]!;
    case "float":
      return p.step !== undefined ? snapToStep(p.min, p.max, p.step, lerp(p, u)) : tidy(p, lerp(p, u));
    case "int": {
      // Widen the range by half a unit on each side so that every integer,
      // the end points included, gets the same share of the cube.
      const lo = p.min - 0.5;
      const hi = p.max + 0.5;
      const x = p.scale === "log" ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
      const k = Math.min(p.max, Math.max(p.min, Math.round(x)));
      return p.step !== undefined ? snapToStep(p.min, p.max, p.step, k) : k;
    }
  }
}

function encodeOne(p: Parameter, v: Scalar): number {
  switch (p.type) {
    case "constant":
      return 0.5;
    case "categorical": {
      const i = p.values.indexOf(v);
      return (Math.max(0, i) + 0.5) / p.values.length;
    }
    case "float":
      return p.scale === "log"
        ? (Math.log(Number(v)) - Math.log(p.min)) / (Math.log(p.max) - Math.log(p.min))
        : (Number(v) - p.min) / (p.max - p.min);
    case "int": {
      const lo = p.min - 0.5;
      const hi = p.max + 0.5;
      return p.scale === "log"
        ? (Math.log(Number(v)) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))
        : (Number(v) - lo) / (hi - lo);
    }
  }
}

function lerp(p: { min: number; max: number; scale: "linear" | "log" }, u: number): number {
  if (p.scale === "log") return Math.exp(Math.log(p.min) + u * (Math.log(p.max) - Math.log(p.min)));
  return p.min + u * (p.max - p.min);
}

/**
 * Six significant digits: far below any effect a hyperparameter can have, and
 * the value that runs is the value shown in reports and pasted into configs.
 */
function tidy(p: { min: number; max: number }, x: number): number {
  return Math.min(p.max, Math.max(p.min, Number(x.toPrecision(6))));
}

/** The nearest of min, min+step, ... that is not above max, without float noise. */
export function snapToStep(min: number, max: number, step: number, x: number): number {
  const last = Math.floor((max - min) / step + 1e-9);
  const k = Math.min(last, Math.max(0, Math.round((x - min) / step)));
  return roundDecimals(min + k * step, Math.max(decimals(min), decimals(step)));
}

function decimals(x: number): number {
  const s = String(x);
  const e = s.indexOf("e-");
  if (e >= 0) return Number(s.slice(e + 2)) + (s.split(".")[1]?.split("e")[0]?.length ?? 0);
  return s.split(".")[1]?.length ?? 0;
}

function roundDecimals(x: number, d: number): number {
  return d > 15 ? x : Number(x.toFixed(d));
}

/**
 * The configuration made of each parameter's `default` (constants give their
 * value), or the names of active parameters that have no default.
 */
export function defaultParams(space: Space): { ok: true; params: Params } | { ok: false; missing: string[] } {
  return defaultsOf(space.dims);
}

/** A stable identity for a configuration, to recognise one already tried. */
export function paramsKey(params: Params): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
}

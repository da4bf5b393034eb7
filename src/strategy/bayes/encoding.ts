/**
 * What the model sees of a configuration. Search happens in the unit cube of the
 * space, but every point is first turned into the configuration that would
 * really run (decode: log scales, integer and step rounding, categories,
 * conditions) and the model is shown that configuration's features, so it never
 * tells two points apart that would run the same trial.
 *
 * Features: constants are dropped; a numeric parameter is its position in the
 * cube; a categorical one is its category index (compared only for equality by
 * the kernel); an inactive conditional parameter is 0.5 (numeric) or its own
 * category −1, so every configuration where it does not apply looks the same.
 */
import type { Params, Space } from "../../space/space.ts";
import { decode, encode, paramsKey } from "../../space/space.ts";
import type { Features } from "./kernel.ts";

export interface Encoding extends Features {
  readonly space: Space;
  /** The space dimension behind each feature. */
  readonly dims: readonly number[];
}

export function encodingOf(space: Space): Encoding {
  const dims: number[] = [];
  const categorical: number[] = [];
  space.dims.forEach((d, i) => {
    if (d.param.type === "constant") return;
    dims.push(i);
    categorical.push(d.param.type === "categorical" ? 1 : 0);
  });
  return { space, dims, p: dims.length, categorical: Uint8Array.from(categorical) };
}

export function featuresOf(enc: Encoding, params: Params): Float64Array {
  const u = encode(enc.space, params);
  const x = new Float64Array(enc.p);
  enc.dims.forEach((dim, f) => {
    const d = enc.space.dims[dim]!;
    if (d.param.type === "categorical") x[f] = d.name in params ? d.param.values.indexOf(params[d.name]!) : -1;
    else x[f] = u[dim]!;
  });
  return x;
}

/** A point of the cube together with the configuration it runs. */
export interface Point {
  readonly u: Float64Array;
  readonly params: Params;
  readonly key: string;
  readonly x: Float64Array;
}

export function pointAt(enc: Encoding, u: Float64Array): Point {
  const params = decode(enc.space, Array.from(u));
  return { u, params, key: paramsKey(params), x: featuresOf(enc, params) };
}

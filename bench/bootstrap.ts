/** Bootstrap intervals of a median, drawn from a fixed seed so that a report is reproducible. */
import { createRng } from "../src/util/rng.ts";
import { median, quantile } from "./harness.ts";

/** Keys the resampling stream apart from every study's. */
const BOOTSTRAP_STREAM = 0x626f6f74;

/**
 * The 5th and 95th percentiles of `reps` medians of resamples (with
 * replacement, of the same size): the 90% interval MO_TARGETS.md and the
 * Optuna scripts give.
 */
export function bootstrapMedianCi(xs: readonly number[], reps = 2000): [number, number] {
  if (xs.length === 0) return [Number.NaN, Number.NaN];
  const rng = createRng(0, BOOTSTRAP_STREAM, xs.length);
  const medians = Array.from({ length: reps }, () => median(Array.from(xs, () => xs[rng.int(xs.length)]!)));
  return [quantile(medians, 0.05), quantile(medians, 0.95)];
}

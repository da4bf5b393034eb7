/**
 * A trust region around the incumbent (TuRBO, Eriksson et al. 2019), for the
 * batch's local picks: a box whose side grows after rounds that improved on the
 * best trial and shrinks after runs of rounds that did not, shaped by the
 * model's length scales. The global picks keep looking everywhere; the local
 * ones keep refining the best basin found so far even when the model's
 * uncertainty elsewhere outbids it.
 *
 * The region is a function of the study's history, replayed round by round, so
 * the strategy stays stateless: any machine that reads the same trials draws
 * the same box.
 */
import type { Objective } from "../../protocol/objective.ts";
import type { Trial } from "../../protocol/trial.ts";
import { trialValue } from "../../protocol/trial-value.ts";
import type { Encoding } from "./encoding.ts";

/** Sides as fractions of the cube, before the length scales shape them. */
const LENGTH = { initial: 0.8, max: 1.6, min: 0.5 ** 7 };
/** Consecutive improving rounds that double the side. */
const SUCCESSES = 3;

/** A box in the unit cube, per space dimension. */
export interface Region {
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

/** The whole cube: the region of the global search. */
export function wholeCube(dims: number): Region {
  return { lo: new Float64Array(dims), hi: new Float64Array(dims).fill(1) };
}

/** The side length after replaying the finished rounds of the study. */
export function regionLength(trials: readonly Trial[], goal: Objective["goal"], batch: number, p: number): number {
  const byRound = new Map<number, number[]>();
  for (const t of trials) {
    const v = trialValue(t);
    if (v === undefined) continue;
    const list = byRound.get(t.round) ?? [];
    list.push(goal === "maximize" ? -v : v);
    byRound.set(t.round, list);
  }
  const failures = Math.ceil(Math.max(4 / batch, p / batch));
  let length = LENGTH.initial;
  let best = Number.POSITIVE_INFINITY;
  let succ = 0;
  let fail = 0;
  for (const round of [...byRound.keys()].sort((a, b) => a - b)) {
    const low = Math.min(...byRound.get(round)!);
    const improved = low < best - 1e-3 * Math.abs(best);
    if (best !== Number.POSITIVE_INFINITY) {
      if (improved) {
        succ++;
        fail = 0;
      } else {
        fail++;
        succ = 0;
      }
      if (succ === SUCCESSES) {
        length = Math.min(LENGTH.max, 2 * length);
        succ = 0;
      } else if (fail === failures) {
        length /= 2;
        fail = 0;
      }
      // Collapsed: start the region over at full size (the global picks have kept exploring).
      if (length < LENGTH.min) length = LENGTH.initial;
    }
    best = Math.min(best, low);
  }
  return length;
}

/**
 * The box of side `length` around `centre`, each numeric side scaled by its
 * length scale over their geometric mean (a direction the model finds smooth
 * gets more room); categorical coordinates keep their full range.
 */
export function regionAround(enc: Encoding, centre: Float64Array, length: number, invLengthSq: Float64Array): Region {
  const { lo, hi } = wholeCube(centre.length);
  const numeric = enc.dims.flatMap((dim, f) =>
    enc.categorical[f] ? [] : [{ dim, scale: 1 / Math.sqrt(invLengthSq[f]!) }],
  );
  if (numeric.length === 0) return { lo, hi };
  const geo = Math.exp(numeric.reduce((s, d) => s + Math.log(d.scale), 0) / numeric.length);
  for (const { dim, scale } of numeric) {
    const half = (length * scale) / geo / 2;
    lo[dim] = Math.max(0, centre[dim]! - half);
    hi[dim] = Math.min(1, centre[dim]! + half);
  }
  return { lo, hi };
}

/**
 * Is the pull request's Pareto front better than the base branch's, or is
 * the difference noise? Two fronts are compared point against point: a point
 * is better than another in an objective only when their repeats say so
 * (Welch's interval for the difference excludes zero, as for one objective in
 * compare.ts); points the repeats cannot tell apart in an objective count as
 * equal in it. With a single run per point there is no noise estimate: the
 * values decide, and the verdict says it is not confirmed.
 */

import { paretoFront } from "../pareto/front.ts";
import { boxOf, hypervolumeShare } from "../pareto/reference.ts";
import { lossOf, scoreTrials } from "../pareto/scores.ts";
import type { Goals, Objective } from "../protocol/objective.ts";
import type { Trial } from "../protocol/trial.ts";
import { latestAttempt } from "../protocol/trial-value.ts";
import { DEFAULT_CONFIDENCE } from "./compare.ts";
import { welchInterval } from "./stats.ts";

export interface FrontPoint {
  readonly trial: Trial;
  /** Each objective's mean, as measured. */
  readonly values: readonly number[];
  /** Each objective's value on every member (repeat / fold) of the trial's latest attempt that succeeded. */
  readonly samples: readonly (readonly number[])[];
}

export interface FrontSide {
  readonly label: string;
  readonly ref?: string;
  /** The side's feasible Pareto front, in trial order. */
  readonly points: readonly FrontPoint[];
  /** The front's hypervolume as a share of the box both fronts span (see src/pareto/reference.ts). */
  readonly hypervolume: number;
  /** Its points that no point of the other front dominates. */
  readonly undominated: number;
}

/** What the candidate's front is to the baseline's. */
export type FrontVerdict = "dominates" | "is dominated by" | "crosses" | "indistinguishable from";

export interface FrontComparison {
  readonly objectives: readonly Objective[];
  readonly candidate: FrontSide;
  readonly baseline: FrontSide;
  readonly verdict: FrontVerdict;
  /** repeats: every point has several runs, so every "better" is a tested one; single: none has; mixed: some have. */
  readonly noise: "repeats" | "single" | "mixed";
  readonly confidence: number;
}

export interface FrontInput {
  label: string;
  ref?: string;
  /** The side's search trials: its front is taken from them. */
  trials: readonly Trial[];
}

/** The fronts of both sides compared; undefined when either has no feasible trial with every objective. */
export function compareFronts(
  goals: Goals,
  candidate: FrontInput,
  baseline: FrontInput,
  confidence = DEFAULT_CONFIDENCE,
): FrontComparison | undefined {
  const c = frontPoints(goals, candidate.trials);
  const b = frontPoints(goals, baseline.trials);
  if (c.length === 0 || b.length === 0) return undefined;
  const better = (x: FrontPoint, y: FrontPoint, m: number) => betterIn(goals.objective[m]!, x, y, m, confidence);
  const covers = (x: FrontPoint, y: FrontPoint) => goals.objective.every((_, m) => !better(y, x, m));
  const dominatesPoint = (x: FrontPoint, y: FrontPoint) =>
    covers(x, y) && goals.objective.some((_, m) => better(x, y, m));
  const cCoversB = b.every((y) => c.some((x) => covers(x, y)));
  const bCoversC = c.every((y) => b.some((x) => covers(x, y)));
  const verdict: FrontVerdict =
    cCoversB && bCoversC ? "indistinguishable from" : cCoversB ? "dominates" : bCoversC ? "is dominated by" : "crosses";
  const box = boxOf([...c, ...b].map((p) => lossOf(goals.objective, p.values)));
  const side = (input: FrontInput, own: FrontPoint[], other: FrontPoint[]): FrontSide => ({
    label: input.label,
    ...(input.ref !== undefined ? { ref: input.ref } : {}),
    points: own,
    hypervolume: hypervolumeShare(
      own.map((p) => lossOf(goals.objective, p.values)),
      box,
    ),
    undominated: own.filter((y) => !other.some((x) => dominatesPoint(x, y))).length,
  });
  const repeated = [...c, ...b].filter((p) => p.samples.every((s) => s.length >= 2)).length;
  return {
    objectives: goals.objective,
    candidate: side(candidate, c, b),
    baseline: side(baseline, b, c),
    verdict,
    noise: repeated === c.length + b.length ? "repeats" : repeated === 0 ? "single" : "mixed",
    confidence,
  };
}

/**
 * Whether `x` is better than `y` in objective `m`: by Welch's interval when
 * both have several runs (and some spread), else by the values themselves.
 */
function betterIn(objective: Objective, x: FrontPoint, y: FrontPoint, m: number, confidence: number): boolean {
  const sign = objective.goal === "minimize" ? 1 : -1;
  const welch = welchInterval(x.samples[m]!, y.samples[m]!, confidence);
  if (welch) return sign * welch.interval[sign > 0 ? 1 : 0] < 0;
  return sign * (x.values[m]! - y.values[m]!) < 0;
}

function frontPoints(goals: Goals, trials: readonly Trial[]): FrontPoint[] {
  return paretoFront(scoreTrials(goals, trials)).map((s) => ({
    trial: s.trial,
    values: s.values,
    samples: goals.objective.map((o, m) => objectiveSamples(s.trial, m === 0 ? undefined : o.metric)),
  }));
}

/** One value per member of the latest attempt that succeeded: the first objective is each run's value, the others its metrics. */
function objectiveSamples(trial: Trial, metric: string | undefined): number[] {
  const latest = latestAttempt(trial);
  return trial.attempts.flatMap((a) => {
    if (a.attempt !== latest || a.status !== "succeeded") return [];
    if (metric === undefined) return [a.value];
    return Object.hasOwn(a.metrics, metric) ? [a.metrics[metric]!] : [];
  });
}

/**
 * The median stopping rule (as in Google Vizier and Optuna's MedianPruner): a
 * trial whose best objective value so far is worse than the median of earlier
 * trials at the same step will, most of the time, not end up the best, so its
 * runner may stop it. Pure: the plan computes the median curve, the trial
 * runner feeds it the trial's values as they are reported.
 */
import { z } from "zod";
import { type Goal, isBetter, type Objective, type Objectives } from "../protocol/objective.ts";
import { MAX_CURVE_POINTS, type PruneRule } from "../protocol/prune-rule.ts";
import type { Trial } from "../protocol/trial.ts";

const earlyStoppingRule = z.strictObject({
  rule: z.literal("median"),
  min_steps: z.int().min(0).default(1).describe("never stop a trial before it has reported this many steps"),
  min_trials: z
    .int()
    .min(1)
    .default(5)
    .describe("compare with the median only once this many trials have reported the step"),
});

/** `early_stopping: median` or `{rule: median, min_steps: 5}`. */
export const earlyStoppingSchema = z
  .union([
    z.literal("median").transform(() => ({ rule: "median" as const, min_steps: 1, min_trials: 5 })),
    earlyStoppingRule,
  ])
  .describe("median: stop a trial whose best value so far is worse than the median of earlier trials at the same step");
export type EarlyStopping = z.output<typeof earlyStoppingRule>;

/**
 * The median curve of the study's finished attempts (each member counts as
 * one curve), at the steps where at least `min_trials` of them reported; undefined
 * until there is any such step.
 */
export function medianRule(
  config: { readonly objective: Objectives },
  study: { readonly trials: readonly Trial[] },
  rule: EarlyStopping,
): PruneRule | undefined {
  const { metric, goal } = config.objective[0];
  const byStep = new Map<number, number[]>();
  for (const t of study.trials)
    for (const a of t.attempts) {
      if (a.status === "failed") continue;
      // One value per step and run: a step reported twice counts with its last value.
      const curve = new Map<number, number>();
      for (const point of a.intermediate) {
        const v = point.values[metric];
        if (v !== undefined) curve.set(point.step, v);
      }
      for (const [step, v] of curve) byStep.set(step, [...(byStep.get(step) ?? []), v]);
    }
  const curve: [number, number][] = [...byStep.entries()]
    .filter(([, vs]) => vs.length >= rule.min_trials)
    .sort((a, b) => a[0] - b[0])
    .map(([step, vs]) => [step, lenient(median(vs), goal)]);
  if (curve.length === 0) return undefined;
  return { after: rule.min_steps, median: thin(curve, MAX_CURVE_POINTS) };
}

/**
 * The median to 4 significant digits, rounded in the trial's favour: it halves
 * the payload, and a trial is never pruned because of the rounding.
 */
function lenient(v: number, goal: Goal): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(v))) - 3);
  const rounded = goal === "maximize" ? Math.floor(v / unit) * unit : Math.ceil(v / unit) * unit;
  return Number(rounded.toPrecision(4));
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** At most `max` points, evenly spread, the last one kept. */
function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]!);
  return out;
}

export type PruneVerdict = { prune: false } | { prune: true; reason: string; value: number };

/** Follows one trial's reported values and says when it should stop. */
export class MedianPruner {
  private best: number | undefined;
  private reported = 0;
  private readonly medians: Map<number, number>;

  constructor(
    private readonly rule: PruneRule,
    private readonly objective: Pick<Objective, "metric" | "goal">,
  ) {
    this.medians = new Map(rule.median);
  }

  observe(step: number, values: Readonly<Record<string, number>>): PruneVerdict {
    const v = values[this.objective.metric];
    if (v === undefined) return { prune: false };
    this.reported++;
    const goal = this.objective.goal;
    if (this.best === undefined || isBetter(goal, v, this.best)) this.best = v;
    const m = this.medians.get(step);
    if (m === undefined || this.reported < this.rule.after || !isBetter(goal, m, this.best)) return { prune: false };
    return {
      prune: true,
      value: this.best,
      reason: `pruned at step ${step}: best ${this.objective.metric} so far ${fmt(this.best)} is worse than the median ${fmt(m)} of earlier trials (early_stopping: median)`,
    };
  }
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

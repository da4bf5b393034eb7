/**
 * A trial as the multi-objective layers see it: its objective values, the
 * same as loss vectors to minimise, and how far it lies outside the
 * constraints. Infeasible trials are results (they teach the models where the
 * limits are), never a study's best.
 */
import type { Goals, Objectives } from "../protocol/objective.ts";
import { violationOf } from "../protocol/objective.ts";
import type { Trial } from "../protocol/trial.ts";
import { trialMetric, trialValue } from "../protocol/trial-value.ts";

export interface Scored {
  readonly trial: Trial;
  /** One per objective, in the config's order, as measured. */
  readonly values: readonly number[];
  /** The values with every objective minimised (a maximised one negated). */
  readonly loss: readonly number[];
  /** The sum of how far each constrained metric lies outside its limit; 0 when feasible. */
  readonly violation: number;
}

/** Values as losses: a maximised objective's value negated. */
export function lossOf(objectives: Objectives, values: readonly number[]): number[] {
  return values.map((v, i) => (objectives[i]!.goal === "maximize" ? -v : v));
}

/**
 * The trial's scores, or undefined when it has no value for every objective
 * (not finished, failed, or pruned). The first objective counts as the
 * trial's value does, so a single-objective study ranks exactly as before.
 */
export function scoreTrial(goals: Goals, trial: Trial): Scored | undefined {
  const first = trialValue(trial);
  if (first === undefined) return undefined;
  const values = [first];
  for (const o of goals.objective.slice(1)) {
    const v = trialMetric(trial, o.metric);
    if (v === undefined) return undefined;
    values.push(v);
  }
  let violation = 0;
  for (const c of goals.constraints) {
    const v = trialMetric(trial, c.metric);
    // A result without the constrained metric cannot be shown to be within it.
    violation += v === undefined ? Number.POSITIVE_INFINITY : violationOf(c, v);
  }
  return { trial, values, loss: lossOf(goals.objective, values), violation };
}

/** The scores of the trials that have them, in trial order. */
export function scoreTrials(goals: Goals, trials: readonly Trial[]): Scored[] {
  return trials.flatMap((t) => {
    const s = scoreTrial(goals, t);
    return s ? [s] : [];
  });
}

export const isFeasible = (s: Pick<Scored, "violation">): boolean => s.violation === 0;

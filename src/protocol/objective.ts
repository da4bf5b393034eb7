/**
 * What a study optimizes: one metric or several, each with the way that is
 * better, and hard limits (constraints) on recorded metrics. Every layer that
 * ranks trials (strategies, completion, reports) compares through here and
 * through src/pareto.
 */
import { z } from "zod";

export const metricName = z.string().min(1);

export const objectiveSchema = z.strictObject({
  metric: metricName,
  goal: z.enum(["minimize", "maximize"]),
  target: z
    .number()
    .optional()
    .describe(
      "stop the study once a trial reaches this value (with several objectives: once one trial reaches every target)",
    ),
});
export type Objective = z.output<typeof objectiveSchema>;
export type Goal = Objective["goal"];

/**
 * The most objectives a study may have: hypervolume, which every
 * multi-objective strategy and report ranks by, is exact and cheap up to here,
 * and a front of five or more objectives is too large to show or choose from.
 */
export const MAX_OBJECTIVES = 4;

/** One objective, or a list of them; always a non-empty list once parsed, the first being the primary one. */
export const objectivesSchema = z
  .union([
    objectiveSchema.transform((o): Objectives => [o]),
    z
      .array(objectiveSchema)
      .min(1, "a list needs at least one objective")
      .max(MAX_OBJECTIVES, `at most ${MAX_OBJECTIVES} objectives`)
      .refine((l) => new Set(l.map((o) => o.metric)).size === l.length, "each metric may be an objective only once")
      // min(1) above makes the first element certain.
      .transform((l) => l as Objectives),
  ])
  .describe(
    "the metric to optimize ({metric, goal}), or a list of them for a multi-objective study (the result is a Pareto front)",
  );
export type Objectives = [Objective, ...Objective[]];

/** A hard limit on a recorded metric: a trial outside it is infeasible, a result that can never be the best. */
export const constraintSchema = z
  .strictObject({
    metric: metricName,
    min: z.number().optional().describe("the metric must be at least this"),
    max: z.number().optional().describe("the metric must be at most this"),
  })
  .refine((c) => c.min !== undefined || c.max !== undefined, "a constraint needs min:, max: or both")
  .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, "min must not be more than max");
export type Constraint = z.output<typeof constraintSchema>;

/** What a strategy and every ranking need to know about the goal of a study (the config's fields of the same names). */
export interface Goals {
  readonly objective: Objectives;
  readonly constraints: readonly Constraint[];
}

export function isBetter(goal: Goal, a: number, b: number): boolean {
  return goal === "minimize" ? a < b : a > b;
}

/** How far a value lies outside a constraint, in the metric's units; 0 inside it. */
export function violationOf(constraint: Constraint, value: number): number {
  const { min, max } = constraint;
  if (max !== undefined && value > max) return value - max;
  if (min !== undefined && value < min) return min - value;
  return 0;
}

/** `latency_ms ≤ 20`, `0.5 ≤ recall`, `1 ≤ size_gb ≤ 4`. */
export function constraintText(c: Constraint): string {
  if (c.min !== undefined && c.max !== undefined) return `${c.min} ≤ ${c.metric} ≤ ${c.max}`;
  return c.max !== undefined ? `${c.metric} ≤ ${c.max}` : `${c.metric} ≥ ${c.min}`;
}

/**
 * What a study optimizes: one metric, and which way is better. Every layer
 * that ranks trials (strategies, completion, reports) compares through here.
 */
import { z } from "zod";

export const metricName = z.string().min(1);

export const objectiveSchema = z.strictObject({
  metric: metricName,
  goal: z.enum(["minimize", "maximize"]),
  target: z.number().optional().describe("stop the study once a trial reaches this value"),
});
export type Objective = z.output<typeof objectiveSchema>;
export type Goal = Objective["goal"];

export function isBetter(goal: Goal, a: number, b: number): boolean {
  return goal === "minimize" ? a < b : a > b;
}

import { z } from "zod";
import { paramName } from "./parameter-schema.ts";

/**
 * The training budget of one trial (epochs, iterations, a data fraction), passed
 * to the trial like a parameter. hyperband spends it in rungs from min to max;
 * every other strategy trains each trial at max.
 */
export const resourceSchema = z
  .strictObject({
    name: paramName.describe("how the trial receives it: ${name}, TUNE_PARAM_<NAME> and params.json"),
    min: z.number().positive().describe("the resource of hyperband's shortest trials"),
    max: z.number().positive().describe("the full resource: the longest trials, and every trial of other strategies"),
    eta: z
      .int()
      .min(2)
      .default(3)
      .describe("reduction factor: each rung keeps the best 1/eta of its trials and gives them eta times the resource"),
    type: z.enum(["int", "float"]).default("int").describe("int rounds every rung's resource to a whole number"),
  })
  .describe("a resource parameter such as epochs, for hyperband");
export type Resource = z.output<typeof resourceSchema>;

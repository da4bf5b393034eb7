/** The early-stopping rule as it travels to a trial: the median curve of earlier trials. */
import { z } from "zod";

/** What a trial needs to prune itself: travels in the payload, so it is kept short. */
export const pruneRuleSchema = z.object({
  /** A trial is never pruned before it has reported this many values. */
  after: z.int().min(0),
  /** [step, median of earlier trials' objective at that step], steps ascending. */
  median: z.array(z.tuple([z.int().min(0), z.number()])).min(1),
});
export type PruneRule = z.infer<typeof pruneRuleSchema>;

/** Longest curve put in a payload: 256 payloads share GitHub's 1 MB output limit. */
export const MAX_CURVE_POINTS = 64;

/**
 * The file a trial job writes for one attempt. Versioned and validated on
 * read, so a result from another version of matrix-tune gets a clear message
 * instead of a crash.
 */
import { z } from "zod";
import { attemptSchema } from "./trial.ts";

export const RESULT_VERSION = 1;

/** The file a trial job writes: an attempt plus the study it belongs to. */
export const trialResultSchema = z.intersection(
  z.object({ version: z.literal(RESULT_VERSION), study: z.string() }),
  attemptSchema,
);
export type TrialResult = z.infer<typeof trialResultSchema>;

/**
 * The study state: every trial and round, and the config as last run. Versioned
 * and validated on read (older versions migrated, see migrate.ts), so a file
 * from another version of matrix-tune gets a clear message instead of a crash.
 */
import { z } from "zod";
import { configSchema } from "../config/schema.ts";
import { stopSchema, trialSchema } from "../protocol/trial.ts";
import { warmStartSchema } from "./warm-start.ts";

export const STATE_VERSION = 2;

export const roundSchema = z.object({
  index: z.int().min(1),
  /** The trials run in this round, with the attempt number each ran as. */
  runs: z.array(z.object({ trialId: z.int().min(0), attempt: z.int().min(1), member: z.int().min(0).optional() })),
});
export type Round = z.infer<typeof roundSchema>;

export const studySchema = z.object({
  version: z.literal(STATE_VERSION),
  name: z.string(),
  /** Hash of what defines the search (space, objective, strategy): budgets may change on resume, these may not. */
  configHash: z.string(),
  /** The config as last run, so that a state file alone can be reported on. */
  config: configSchema,
  seed: z.int(),
  strategy: z.string(),
  trials: z.array(trialSchema),
  rounds: z.array(roundSchema),
  stop: stopSchema.optional(),
  /** A related study's results this one started from (warm start); never its own results. */
  warmStart: warmStartSchema.optional(),
  /** When the first round opened (ISO 8601), for budget.max_duration; the shell's clock sets it. */
  startedAt: z.string().optional(),
});
export type Study = z.infer<typeof studySchema>;

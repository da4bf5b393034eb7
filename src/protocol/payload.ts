/**
 * One matrix entry: what a trial job needs to run one trial. Kept small (GitHub
 * caps a job output at 1 MB, and a round can hold 256 of these) and versioned;
 * fields added since version 1 are optional, so older payloads still read.
 */
import { z } from "zod";
import { scalar } from "../space/parameter-schema.ts";
import { pruneRuleSchema } from "./prune-rule.ts";

export const PAYLOAD_VERSION = 1;

const runRef = { trial: z.int().min(0), attempt: z.int().min(1), member: z.int().min(0).optional() };

export const trialPayloadSchema = z.object({
  v: z.literal(PAYLOAD_VERSION),
  study: z.string(),
  round: z.int().min(1),
  trial: z.int().min(0),
  attempt: z.int().min(1),
  /** Names this run's artifacts: `trial-attempt`, or `trial-attempt-member`. */
  id: z
    .string()
    .regex(/^\d+-\d+(-\d+)?$/)
    .optional(),
  params: z.record(z.string(), scalar),
  member: z
    .object({ index: z.int().min(0), seed: z.int().min(0), fold: z.int().min(0), folds: z.int().min(1) })
    .optional(),
  /** The checkpoint to start from, with the workflow run that saved it. */
  resume: z.object({ ...runRef, id: z.string().regex(/^\d+-\d+(-\d+)?$/), run: z.int().optional() }).optional(),
  prune: pruneRuleSchema.optional(),
  /** The commit to check out instead of the study's: the base branch's, for a reference run. */
  ref: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
});
export type TrialPayload = z.infer<typeof trialPayloadSchema>;

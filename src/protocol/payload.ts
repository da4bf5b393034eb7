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

export const PACKED_PAYLOAD_VERSION = 2;

/** A run's key, `trial-attempt[-member]` (protocol/run.ts). */
const runKeyText = z.string().regex(/^\d+-\d+(-\d+)?$/);

/**
 * Several runs of one round packed into one matrix entry (`trials_per_job`),
 * run one after another by one job after a single setup. Only runs that need
 * nothing downloaded or checked out of their own are packed, so an entry has
 * no `resume` or `ref`; what the runs share (study, round, the pruning rule)
 * is said once, to keep 256 entries within a job output.
 */
export const packedPayloadSchema = z.object({
  v: z.literal(PACKED_PAYLOAD_VERSION),
  study: z.string(),
  round: z.int().min(1),
  /** Names the job's artifacts: its runs' keys between underscores, `_3-1_4-1_`, so a pattern finds one run's. */
  id: z.string().regex(/^_(\d+-\d+(-\d+)?_)+$/),
  runs: z
    .array(
      z.object({
        /** Its key, for the job's name (tune.yml joins them). */
        id: runKeyText,
        trial: z.int().min(0),
        attempt: z.int().min(1),
        params: z.record(z.string(), scalar),
        member: trialPayloadSchema.shape.member,
      }),
    )
    .min(1)
    .max(64),
  prune: pruneRuleSchema.optional(),
});
export type PackedPayload = z.infer<typeof packedPayloadSchema>;

/** A matrix entry: one run (version 1, what `trials_per_job: 1` makes) or several packed (version 2). */
export const matrixEntrySchema = z.discriminatedUnion("v", [trialPayloadSchema, packedPayloadSchema]);
export type MatrixEntry = z.infer<typeof matrixEntrySchema>;

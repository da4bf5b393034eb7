/**
 * One matrix entry: what a trial job needs to run one trial. Kept small (GitHub
 * caps a job output at 1 MB, and a round can hold 256 of these) and versioned.
 */
import { z } from "zod";
import type { Study } from "../study/schema.ts";
import type { Run } from "../study/study.ts";

export const PAYLOAD_VERSION = 1;

export const trialPayloadSchema = z.object({
  v: z.literal(PAYLOAD_VERSION),
  study: z.string(),
  round: z.int().min(1),
  trial: z.int().min(0),
  attempt: z.int().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type TrialPayload = z.infer<typeof trialPayloadSchema>;

export function payloadsFor(study: Study, round: number, runs: readonly Run[]): TrialPayload[] {
  return runs.map((r) => ({
    v: PAYLOAD_VERSION,
    study: study.name,
    round,
    trial: r.trialId,
    attempt: r.attempt,
    params: study.trials[r.trialId]!.params,
  }));
}

/** The strategy matrix as `fromJSON` expects it in a workflow. */
export function githubMatrix(payloads: readonly TrialPayload[]): { include: TrialPayload[] } {
  return { include: [...payloads] };
}

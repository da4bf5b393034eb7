/**
 * Where hyperband put a trial: its bracket (numbered from 0 across the study)
 * and rung. Kept in the trial's `strategyData` under hyperband's name, so the
 * core trial record knows nothing of brackets; reports read it through here.
 */
import { z } from "zod";
import type { Trial } from "../../protocol/trial.ts";

const placementSchema = z.object({ bracket: z.int().min(0), rung: z.int().min(0) });
export type Placement = z.infer<typeof placementSchema>;

/** The trial's place in hyperband's schedule; undefined for a trial hyperband did not schedule (a baseline). */
export function placementOf(trial: Pick<Trial, "strategyData"> & { id?: number }): Placement | undefined {
  const raw = trial.strategyData?.hyperband;
  if (raw === undefined) return undefined;
  const parsed = placementSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `${trial.id === undefined ? "a trial" : `trial ${trial.id}`}: hyperband's data ${JSON.stringify(raw)} is not a bracket and rung`,
    );
  return parsed.data;
}

/** The `strategyData` of a trial hyperband places in bracket `bracket`, rung `rung`. */
export function placedAt(bracket: number, rung: number): Pick<Trial, "strategyData"> {
  return { strategyData: { hyperband: { bracket, rung } } };
}

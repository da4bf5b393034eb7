/**
 * Study states written by earlier versions, brought to the current one on
 * read. Each step is the exact difference between two versions, frozen: it
 * describes the old file, so it never changes with the code.
 */

/** Versions this matrix-tune can migrate from, oldest first. */
export const MIGRATABLE_VERSIONS = [1] as const;

/**
 * The state of version 1 as version 2 writes it: hyperband's `bracket` and
 * `rung`, once fields of every trial, move into the trial's strategy data under
 * hyperband's name. Anything else, valid or not, is left for the schema to judge.
 */
export function migrateStudy(raw: { version: number } & Record<string, unknown>): unknown {
  if (raw.version !== 1) return raw;
  const trials = Array.isArray(raw.trials) ? raw.trials.map(migrateTrialV1) : raw.trials;
  return { ...raw, version: 2, trials };
}

function migrateTrialV1(trial: unknown): unknown {
  if (!trial || typeof trial !== "object") return trial;
  const { bracket, rung, ...rest } = trial as Record<string, unknown>;
  if (bracket === undefined && rung === undefined) return rest;
  return { ...rest, strategyData: { hyperband: { bracket, rung } } };
}

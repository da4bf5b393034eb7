/**
 * A reference for review when the base branch has no study to compare with:
 * the config's defaults, run on the base branch's commit as one more trial of
 * the first round (with every repeat and fold, so the comparison has noise
 * estimates on both sides). It never takes part in the search.
 */
import type { Config } from "../config/schema.ts";
import type { Run } from "../protocol/run.ts";
import { buildSpace, defaultParams } from "../space/space.ts";
import type { Study } from "../study/schema.ts";
import { extendRound, referenceTrial } from "../study/study.ts";

export type ReferenceRun = { kind: "added"; study: Study; runs: Run[] } | { kind: "skipped"; reason: string };

export function addReferenceRun(config: Config, study: Study, ref: string): ReferenceRun {
  if (referenceTrial(study)) return { kind: "skipped", reason: "the study already has its reference run" };
  const defaults = defaultParams(buildSpace(config.parameters));
  if (!defaults.ok)
    return {
      kind: "skipped",
      reason: `the defaults cannot run on the base branch: ${defaults.missing.join(", ")} ${defaults.missing.length > 1 ? "have" : "has"} no default`,
    };
  const resource = config.resource?.max;
  const added = extendRound(study, [{ params: defaults.params, ref, ...(resource !== undefined ? { resource } : {}) }]);
  return { kind: "added", ...added };
}

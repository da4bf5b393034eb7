import * as core from "@actions/core";
import type { Config } from "../config/schema.ts";
import { trialValue } from "../protocol/trial-value.ts";
import { frontJson } from "../report/json.ts";
import { bestTrial } from "../study/best.ts";
import type { Study } from "../study/schema.ts";

/** The winner, for the steps after a finished study; with several objectives, the front's chosen trial and the front itself. */
export function setDoneOutputs(config: Config, study: Study): void {
  const best = bestTrial(config, study);
  core.setOutput("done", "true");
  core.setOutput("stop-reason", study.stop?.message ?? "");
  core.setOutput("best-params", best ? JSON.stringify(best.params) : "");
  core.setOutput("best-value", best ? String(trialValue(best)) : "");
  core.setOutput("best-trial", best ? String(best.id) : "");
  core.setOutput("front", JSON.stringify(frontJson(config, study)));
}

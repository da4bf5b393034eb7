/**
 * `command: warm-start` — the step before a new study's plan: which workflow
 * run holds the study it starts from (its `run-id` output), so that the
 * workflow's download-artifact step can fetch that state for the plan. Only a
 * bonus: a failed lookup warns and the study starts from scratch.
 */
import * as core from "@actions/core";
import type { Overrides } from "../config/overrides.ts";
import { loadActionConfig } from "./config.ts";

export interface WarmStartInputs {
  config: string;
  overrides: Overrides;
  trusted?: string;
  /** The base branch's latest study, when there is a pull request to have a base branch. */
  findBaseline: (() => Promise<number | undefined>) | undefined;
  /** Whether a workflow run left a study state artifact that has not expired. */
  hasState: (runId: number) => Promise<boolean>;
}

export async function warmStart(inputs: WarmStartInputs): Promise<void> {
  const { config } = loadActionConfig(inputs.config, inputs.overrides, inputs.trusted);
  const from = config.warm_start.from;
  let runId: number | undefined;
  try {
    runId = await sourceRun(from, inputs);
  } catch (err) {
    core.warning(`no warm start: ${(err as Error).message}`, { title: "matrix-tune" });
  }
  core.setOutput("run-id", runId === undefined ? "" : String(runId));
  if (runId !== undefined) core.info(`the study starts from the one in run ${runId}`);
}

async function sourceRun(from: number | "base" | "off", inputs: WarmStartInputs): Promise<number | undefined> {
  if (from === "off") {
    core.info("warm_start is off: the study starts from scratch");
    return undefined;
  }
  if (from === "base") {
    if (!inputs.findBaseline) {
      core.info("no pull request, so no base branch to start from: the study starts from scratch");
      return undefined;
    }
    const run = await inputs.findBaseline();
    if (run === undefined) core.info("the base branch has no study yet: the study starts from scratch");
    return run;
  }
  if (await inputs.hasState(from)) return from;
  core.warning(
    `warm_start names run ${from}, which has no matrix-tune-state artifact (or it expired): the study starts from scratch`,
    { title: "matrix-tune" },
  );
  return undefined;
}

/**
 * `command: trial` — one matrix job: run the trial in its payload with the same
 * runner as the local shell, and always leave a result file for the artifact
 * upload, a failure included. The step then fails visibly for a failed trial
 * (a pruned one is the stopping rule at work, not a failure).
 */

import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import * as core from "@actions/core";
import type { Overrides } from "../config/overrides.ts";
import { runKey } from "../engine/jobs.ts";
import { runLabel } from "../github/jobs.ts";
import { splitCommand } from "../trial/command.ts";
import { checkPayload, parsePayload, type TrialPayload } from "../trial/payload.ts";
import { writeResultFile } from "../trial/result-file.ts";
import { runTrial } from "../trial/run.ts";
import { loadActionConfig } from "./config.ts";

export interface TrialInputs {
  config: string;
  payload: string;
  resultsDir: string;
  /** TUNE_CHECKPOINT_DIR: the workflow downloads the checkpoint to continue into it, and uploads it afterwards. */
  checkpointDir: string;
  overrides: Overrides;
  /** This workflow run, recorded with the result: where later rounds find this run's checkpoint. */
  runId: number | undefined;
}

export async function trial(inputs: TrialInputs, signal: AbortSignal): Promise<void> {
  const payload = parsePayload(inputs.payload);
  const { config, file } = loadActionConfig(inputs.config, inputs.overrides);
  checkPayload(config, payload);
  const m = payload.member;
  const outputDir = join(
    process.env.RUNNER_TEMP ?? tmpdir(),
    "matrix-tune",
    `trial-${runKey({ trial: payload.trial, attempt: payload.attempt, member: m?.index })}`,
  );
  const label = runLabel({ trialId: payload.trial, attempt: payload.attempt, member: m?.index });
  core.info(
    `${label} of ${config.name}${m ? ` (seed ${m.seed}, fold ${m.fold} of ${m.folds})` : ""}: ${JSON.stringify(payload.params)}`,
  );
  if (payload.resume) logResume(payload.resume, inputs.checkpointDir);
  if (payload.prune)
    core.info(
      `early stopping: stops when its best ${config.objective.metric} is worse than the median of earlier trials (${payload.prune.median.length} steps known, none before step ${payload.prune.after})`,
    );
  const outcome = await runTrial({
    study: config.name,
    trialId: payload.trial,
    attempt: payload.attempt,
    params: payload.params,
    argv: splitCommand(config.command),
    cwd: resolve(dirname(file), config.workdir ?? "."),
    outputDir,
    config,
    signal,
    checkpointDir: inputs.checkpointDir,
    ...(payload.member ? { member: payload.member } : {}),
    ...(payload.prune ? { prune: payload.prune } : {}),
    onIntermediate: (v) =>
      core.info(
        `step ${v.step}: ${Object.entries(v.values)
          .map(([k, x]) => `${k}=${x}`)
          .join(" ")}`,
      ),
  });
  if (outcome.kind === "interrupted")
    throw new Error("the trial was stopped (the job was cancelled); it will run again when the study resumes");
  const attempt = { ...outcome.attempt, ...(inputs.runId !== undefined ? { runId: inputs.runId } : {}) };
  const path = writeResultFile(inputs.resultsDir, config.name, attempt);
  core.setOutput("result-file", path);
  core.setOutput("status", attempt.status);
  core.info(`log tail:\n${attempt.logTail}`);
  if (attempt.status === "succeeded") {
    core.setOutput("value", String(attempt.value));
    core.info(`${config.objective.metric} = ${attempt.value}`);
  } else if (attempt.status === "pruned")
    // Stopping early is the rule working, not a failure of the job.
    core.info(`${label} pruned: ${attempt.reason}`);
  else core.setFailed(`${label} failed: ${attempt.reason} (the result is saved)`);
}

/** Says whose checkpoint the run continues, and whether the workflow found one to download. */
function logResume(resume: NonNullable<TrialPayload["resume"]>, dir: string): void {
  const from = `${runLabel({ trialId: resume.trial, attempt: resume.attempt, member: resume.member })}${resume.run !== undefined ? ` (run ${resume.run})` : ""}`;
  const found = existsSync(dir) && readdirSync(dir).length > 0;
  core.info(
    found
      ? `continues the checkpoint of ${from}`
      : `continues ${from}, but no checkpoint of it was downloaded (the workload may not save one, or the artifact expired): starting from scratch`,
  );
}

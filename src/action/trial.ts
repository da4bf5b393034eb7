/**
 * `command: trial` — one matrix job: run the trial in its payload with the same
 * runner as the local shell, and always leave a result file for the artifact
 * upload, a failure included. The step then fails visibly for a failed trial.
 */

import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import * as core from "@actions/core";
import type { Overrides } from "../config/overrides.ts";
import { splitCommand } from "../trial/command.ts";
import { type TrialPayload, trialPayloadSchema } from "../trial/payload.ts";
import { writeResultFile } from "../trial/result-file.ts";
import { runTrial } from "../trial/run.ts";
import { loadActionConfig } from "./config.ts";

export interface TrialInputs {
  config: string;
  payload: string;
  resultsDir: string;
  overrides: Overrides;
}

export function parsePayload(text: string): TrialPayload {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `the payload input is not JSON (${(err as Error).message}); pass \${{ toJSON(matrix) }} from the plan's matrix`,
    );
  }
  const parsed = trialPayloadSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new Error(
      `the payload input is not a matrix-tune trial (${i.path.join(".") || "top"}: ${i.message}); pass \${{ toJSON(matrix) }} from the plan's matrix`,
    );
  }
  return parsed.data;
}

export async function trial(inputs: TrialInputs, signal: AbortSignal): Promise<void> {
  const payload = parsePayload(inputs.payload);
  const { config, file } = loadActionConfig(inputs.config, inputs.overrides);
  if (payload.study !== config.name)
    throw new Error(`the payload is for study "${payload.study}", but ${inputs.config} is study "${config.name}"`);
  const outputDir = join(
    process.env.RUNNER_TEMP ?? tmpdir(),
    "matrix-tune",
    `trial-${payload.trial}-${payload.attempt}`,
  );
  core.info(`trial ${payload.trial} (attempt ${payload.attempt}) of ${config.name}: ${JSON.stringify(payload.params)}`);
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
    onIntermediate: (v) =>
      core.info(
        `step ${v.step}: ${Object.entries(v.values)
          .map(([k, x]) => `${k}=${x}`)
          .join(" ")}`,
      ),
  });
  if (outcome.kind === "interrupted")
    throw new Error("the trial was stopped (the job was cancelled); it will run again when the study resumes");
  const path = writeResultFile(inputs.resultsDir, config.name, outcome.attempt);
  core.setOutput("result-file", path);
  core.setOutput("status", outcome.attempt.status);
  core.info(`log tail:\n${outcome.attempt.logTail}`);
  if (outcome.attempt.status === "succeeded") {
    core.setOutput("value", String(outcome.attempt.value));
    core.info(`${config.objective.metric} = ${outcome.attempt.value}`);
  } else
    core.setFailed(`trial ${payload.trial} ${outcome.attempt.status}: ${outcome.attempt.reason} (the result is saved)`);
}

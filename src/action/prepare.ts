/**
 * `command: prepare` — the first of a trial job's three steps. It checks the
 * payload against the config (as `matrix-tune trial` will again) and writes
 * the trial spec; the workflow's next step, a plain `run:` step, runs the
 * trial with the bundled CLI, so that the user's command never descends from
 * this process and its credentials (see src/trial/job.ts). `collect` then
 * checks the result it left.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as core from "@actions/core";
import type { Overrides } from "../config/overrides.ts";
import { runLabel } from "../github/job-names.ts";
import { trialTempDir, writeTrialSpec } from "../trial/job.ts";
import { checkPayload, parsePayload } from "../trial/payload.ts";
import { loadActionConfig, workspacePath } from "./config.ts";

export interface PrepareInputs {
  config: string;
  payload: string;
  resultsDir: string;
  checkpointDir: string;
  overrides: Overrides;
  runId: number | undefined;
  /** The runner's temp directory: the spec and the trial's output go under it, outside the workspace. */
  tempRoot: string;
  /** For a fork's study: the default branch's config, which decides env, timeout and the other trusted settings. */
  trusted?: string;
}

export function prepare(inputs: PrepareInputs): void {
  const payload = parsePayload(inputs.payload);
  const { config, file } = loadActionConfig(inputs.config, inputs.overrides, inputs.trusted);
  checkPayload(config, payload);
  const dir = trialTempDir(inputs.tempRoot, payload);
  const spec = join(dir, "spec.json");
  writeTrialSpec(spec, {
    v: 1,
    payload,
    config: file,
    overrides: inputs.overrides,
    resultsDir: workspacePath(inputs.resultsDir),
    checkpointDir: workspacePath(inputs.checkpointDir),
    outputDir: join(dir, "output"),
    ...(inputs.runId !== undefined ? { runId: inputs.runId } : {}),
    ...(inputs.trusted ? { trusted: workspacePath(inputs.trusted) } : {}),
  });
  // The CLI bundled beside this one (dist/cli.js next to dist/action.js), and
  // the runner's own Node: a self-hosted runner need not have one on PATH.
  core.setOutput("cli", fileURLToPath(new URL("./cli.js", import.meta.url)));
  core.setOutput("node", process.execPath);
  core.setOutput("spec", spec);
  core.info(
    `${runLabel({ trialId: payload.trial, attempt: payload.attempt, member: payload.member?.index })} of ${config.name} is ready to run: ${spec}`,
  );
}

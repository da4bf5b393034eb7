/**
 * `command: prepare` — the first of a trial job's three steps. It checks the
 * payload (every run of a packed one) against the config (as `matrix-tune
 * trial` will again) and writes the trial spec; the workflow's next step, a plain `run:` step, runs the
 * trial with the bundled CLI, so that the user's command never descends from
 * this process and its credentials (see src/trial/job.ts). `collect` then
 * checks the result it left.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as core from "@actions/core";
import type { Overrides } from "../config/overrides.ts";
import { runLabel } from "../github/job-names.ts";
import type { TrialPayload } from "../protocol/payload.ts";
import { runKey } from "../protocol/run.ts";
import { packedCheckpointsDir, SPEC_VERSION, trialTempDir, writeTrialSpec } from "../trial/job.ts";
import { checkPayload, entryPayloads, parsePayload, payloadRun } from "../trial/payload.ts";
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
  const entry = parsePayload(inputs.payload);
  const { config, file } = loadActionConfig(inputs.config, inputs.overrides, inputs.trusted);
  // Every run before any runs: a job runs all of its runs or none.
  const payloads = entryPayloads(entry);
  for (const payload of payloads) checkPayload(config, payload);
  const dir = trialTempDir(inputs.tempRoot, entry);
  const spec = join(dir, "spec.json");
  const checkpointDir = workspacePath(inputs.checkpointDir);
  const packed = payloads.length > 1;
  // Alone, a run has the directories to itself (as before packing); packed, each its own inside them.
  const own = (root: string, payload: TrialPayload) => (packed ? join(root, runKey(payloadRun(payload))) : root);
  if (payloads[0]!.resume) continueFromPacked(checkpointDir, payloads[0]!.resume.id);
  writeTrialSpec(spec, {
    v: SPEC_VERSION,
    runs: payloads.map((payload) => ({
      payload,
      outputDir: own(join(dir, "output"), payload),
      checkpointDir: own(checkpointDir, payload),
    })),
    config: file,
    overrides: inputs.overrides,
    resultsDir: workspacePath(inputs.resultsDir),
    ...(inputs.runId !== undefined ? { runId: inputs.runId } : {}),
    ...(inputs.trusted ? { trusted: workspacePath(inputs.trusted) } : {}),
  });
  // The CLI bundled beside this one (dist/cli.js next to dist/action.js), and
  // the runner's own Node: a self-hosted runner need not have one on PATH.
  core.setOutput("cli", fileURLToPath(new URL("./cli.js", import.meta.url)));
  core.setOutput("node", process.execPath);
  core.setOutput("spec", spec);
  core.info(`${payloads.map((p) => runLabel(payloadRun(p))).join(", ")} of ${config.name} ready to run: ${spec}`);
}

/**
 * A run packed with others saved its checkpoint in a folder of its own inside
 * its job's checkpoint artifact, which the workflow downloads (by a pattern
 * naming the run) beside the checkpoint directory: that folder becomes the
 * checkpoint this run continues. An artifact named for the run itself (its
 * job ran it alone) was downloaded straight into the directory and wins.
 */
function continueFromPacked(checkpointDir: string, from: string): void {
  const saved = join(packedCheckpointsDir(checkpointDir), from);
  const downloaded = existsSync(checkpointDir) && readdirSync(checkpointDir).length > 0;
  if (downloaded || !lstatSync(saved, { throwIfNoEntry: false })?.isDirectory()) return;
  rmSync(checkpointDir, { recursive: true, force: true });
  mkdirSync(dirname(checkpointDir), { recursive: true });
  renameSync(saved, checkpointDir);
  core.info(`continuing the checkpoint that ${from} saved in a job it shared with other runs`);
}

/**
 * The Action's entry point: one bundle, three commands, selected by the
 * `command` input. Everything it needs from the workflow comes in through
 * inputs and the standard GITHUB_* environment; nothing comes from comment text.
 */
import * as core from "@actions/core";
import { context } from "@actions/github";
import { ConfigError } from "../config/errors.ts";
import { createClient } from "../github/client.ts";
import { workflowFileFromRef } from "../github/dispatch.ts";
import { repoFromEnv } from "../github/repo.ts";
import { plan } from "./plan.ts";
import { report } from "./report.ts";
import { trial } from "./trial.ts";

const COMMANDS = ["plan", "trial", "report"] as const;

function positiveIntInput(name: string): number | undefined {
  const text = core.getInput(name);
  if (!text) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`input ${name} must be a positive whole number, got "${text}"`);
  return n;
}

/** The pull request this run is about: an explicit input, else the triggering event's. */
function pullRequestNumber(): number | undefined {
  const explicit = positiveIntInput("pr");
  if (explicit) return explicit;
  const payload = context.payload;
  if (payload.pull_request?.number) return payload.pull_request.number;
  if (payload.issue?.pull_request && payload.issue.number) return payload.issue.number;
  return undefined;
}

export async function run(): Promise<void> {
  const command = core.getInput("command", { required: true });
  if (!(COMMANDS as readonly string[]).includes(command))
    throw new Error(`input command must be one of ${COMMANDS.join(", ")}, got "${command}"`);
  const config = core.getInput("config") || "tune.yml";
  const stateDir = core.getInput("state-dir") || ".matrix-tune/state";
  const resultsDir = core.getInput("results-dir") || ".matrix-tune/results";

  if (command === "plan") return plan({ config, stateDir, resultsDir });
  if (command === "trial") {
    const abort = new AbortController();
    // A cancelled job gets SIGINT/SIGTERM: stop the trial's process group rather than orphan it.
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => abort.abort());
    return trial({ config, payload: core.getInput("payload", { required: true }), resultsDir }, abort.signal);
  }

  const token = core.getInput("token", { required: true });
  const repo = repoFromEnv();
  const runId = Number(process.env.GITHUB_RUN_ID);
  if (!Number.isInteger(runId) || runId <= 0)
    throw new Error("GITHUB_RUN_ID is not set: is this running in GitHub Actions?");
  const server = process.env.GITHUB_SERVER_URL ?? "https://github.com";
  const pr = pullRequestNumber();
  const wantDispatch = core.getBooleanInput("dispatch");
  const ref = core.getInput("ref") || process.env.GITHUB_HEAD_REF || process.env.GITHUB_REF_NAME || "";
  const workflow = core.getInput("workflow") || workflowFileFromRef(process.env.GITHUB_WORKFLOW_REF ?? "");
  return report({
    config,
    stateDir,
    resultsDir,
    client: createClient({ token, log: (m) => core.warning(m) }),
    repo,
    runId,
    runUrl: `${server}/${repo.owner}/${repo.repo}/actions/runs/${runId}`,
    pr,
    dispatch: wantDispatch
      ? { workflow, ref, inputs: { "state-run-id": String(runId), ...(pr ? { pr: String(pr) } : {}) } }
      : undefined,
  });
}

try {
  await run();
} catch (err) {
  // Config errors were already annotated line by line; the failure names the file.
  const message =
    err instanceof ConfigError ? `invalid config ${err.file} (see the annotations)` : (err as Error).message;
  core.setFailed(message);
}

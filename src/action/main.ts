/**
 * The Action's entry point: one bundle, three commands, selected by the
 * `command` input. Everything it needs from the workflow comes in through
 * inputs and the standard GITHUB_* environment; nothing comes from comment text.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@actions/core";
import { context } from "@actions/github";
import { commentEventSchema, type Permission } from "../bot/policy.ts";
import { ConfigError } from "../config/errors.ts";
import { baseBranchOf, baseShaOf, findBaselineRun, hasStudyState } from "../github/baseline.ts";
import { createClient, type GitHubClient } from "../github/client.ts";
import { workflowFileFromRef } from "../github/dispatch.ts";
import { repoFromEnv } from "../github/repo.ts";
import { collect } from "./collect.ts";
import { parseOverrides } from "./config.ts";
import { isFork, trustedConfigFor } from "./fork.ts";
import { plan } from "./plan.ts";
import { prepare } from "./prepare.ts";
import { report } from "./report.ts";
import { slash } from "./slash.ts";
import { warmStart } from "./warm-start.ts";

const COMMANDS = ["warm-start", "plan", "prepare", "collect", "report", "slash"] as const;

/** Where the README shows a trial job's three steps. */
const TRIAL_STEPS_DOC = "https://github.com/matrix-tune/matrix-tune#or-wire-the-three-steps-into-your-own-jobs";

function positiveIntInput(name: string): number | undefined {
  const text = core.getInput(name);
  if (!text) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`input ${name} must be a positive whole number, got "${text}"`);
  return n;
}

/** An input whose default is in action.yml (the one place it is written): the runner fills it in, so empty means set empty. */
function defaulted(name: string): string {
  const value = core.getInput(name);
  if (!value) throw new Error(`input ${name} is empty: leave it out for action.yml's default, or give a value`);
  return value;
}

function workflowRunId(): number | undefined {
  const id = Number(process.env.GITHUB_RUN_ID);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

function runnerTemp(): string {
  return process.env.RUNNER_TEMP ?? tmpdir();
}

/** TUNE_CHECKPOINT_DIR: the workflow downloads the checkpoint to continue into it, and uploads it afterwards. */
function checkpointDir(): string {
  return core.getInput("checkpoint-dir") || join(runnerTemp(), "matrix-tune", "checkpoint");
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
  // A step triggered by a comment answers it unless told otherwise.
  const command = core.getInput("command") || (process.env.GITHUB_EVENT_NAME === "issue_comment" ? "slash" : "");
  if (command === "trial")
    throw new Error(
      `command: trial is gone: the trial must not run inside the Action's process, whose environment holds the job's credentials. A trial job now has three steps: this Action with command: prepare (id: prepare), a run: step \`"$MATRIX_TUNE_NODE" "$MATRIX_TUNE_CLI" trial --spec "$MATRIX_TUNE_SPEC"\` with env MATRIX_TUNE_NODE, MATRIX_TUNE_CLI and MATRIX_TUNE_SPEC set from steps.prepare.outputs node, cli and spec, then this Action with command: collect (if: always() && steps.prepare.outcome == 'success'). See ${TRIAL_STEPS_DOC}`,
    );
  if (!(COMMANDS as readonly string[]).includes(command))
    throw new Error(`input command must be one of ${COMMANDS.join(", ")}, got "${command}"`);
  const config = defaulted("config");
  const overrides = parseOverrides(core.getInput("overrides"));
  const stateDir = defaulted("state-dir");
  const resultsDir = defaulted("results-dir");
  /** The default branch's config, for a study that runs a fork's code (the plan's `fork` output says whether it does). */
  const trustedFor = async (client: GitHubClient | undefined): Promise<{ fork: boolean; trusted?: string }> => {
    const fork = await isFork({
      input: core.getInput("fork"),
      eventPull: context.payload.pull_request,
      repo: () => repoFromEnv(),
      pr: pullRequestNumber(),
      client,
    });
    const trusted = trustedConfigFor(fork, core.getInput("trusted-config"));
    return trusted ? { fork, trusted } : { fork };
  };

  if (command === "plan" || command === "warm-start") {
    const pr = pullRequestNumber();
    const token = core.getInput("token");
    // One client for every question the step asks of the API.
    const client = token ? createClient({ token, log: (m) => core.warning(m) }) : undefined;
    const findBaseline =
      pr && client
        ? async () => {
            const repo = repoFromEnv();
            const base = context.payload.pull_request?.base;
            const branch = await baseBranchOf(client, repo, pr, base?.ref);
            const workflow = core.getInput("workflow") || workflowFileFromRef(process.env.GITHUB_WORKFLOW_REF ?? "");
            return findBaselineRun(client, repo, workflow, branch);
          }
        : undefined;
    const trust = await trustedFor(client);
    if (command === "warm-start") {
      const hasState = async (runId: number) => {
        if (!client) throw new Error("the token input is empty, so no run's artifacts can be listed");
        return hasStudyState(client, repoFromEnv(), runId);
      };
      return warmStart({ config, overrides, findBaseline, hasState, ...trust });
    }
    // Asked only on a first round without a base study: the defaults then run on that commit.
    const findBaseSha =
      pr && client ? () => baseShaOf(client, repoFromEnv(), pr, context.payload.pull_request?.base?.sha) : undefined;
    const warmFrom = positiveIntInput("warm-start-run-id");
    return plan({
      config,
      stateDir,
      resultsDir,
      overrides,
      findBaseline,
      findBaseSha,
      ...(warmFrom ? { warmStart: { dir: defaulted("warm-start-dir"), runId: warmFrom } } : {}),
      ...trust,
    });
  }
  if (command === "prepare")
    return prepare({
      config,
      payload: core.getInput("payload", { required: true }),
      resultsDir,
      checkpointDir: checkpointDir(),
      overrides,
      runId: workflowRunId(),
      tempRoot: runnerTemp(),
      ...(await trustedFor(undefined)),
    });
  if (command === "collect")
    return collect({
      payload: core.getInput("payload", { required: true }),
      resultsDir,
      checkpointDir: checkpointDir(),
    });

  const token = core.getInput("token", { required: true });
  const repo = repoFromEnv();
  const server = process.env.GITHUB_SERVER_URL ?? "https://github.com";
  const client = createClient({ token, log: (m) => core.warning(m) });
  const botLogin = defaulted("bot-login");
  if (command === "slash") {
    const min = core.getInput("min-permission");
    if (min && !["triage", "write", "maintain", "admin"].includes(min))
      throw new Error(`input min-permission must be triage, write, maintain or admin, got "${min}"`);
    const event = commentEventSchema.safeParse(context.payload);
    if (!event.success)
      throw new Error(
        `the event payload is not an issue_comment event (${event.error.issues[0]?.path.join(".")}: ${event.error.issues[0]?.message})`,
      );
    return slash({
      config,
      event: event.data,
      client,
      repo,
      serverUrl: server,
      minPermission: (min || undefined) as Permission | undefined,
      botLogin,
    });
  }
  const runId = workflowRunId();
  if (runId === undefined) throw new Error("GITHUB_RUN_ID is not set: is this running in GitHub Actions?");
  const pr = pullRequestNumber();
  const sha = core.getInput("sha") || undefined;
  if (sha && !/^[0-9a-f]{7,64}$/.test(sha)) throw new Error(`input sha must be a commit id, got "${sha}"`);
  const wantDispatch = core.getBooleanInput("dispatch");
  const ref = core.getInput("ref") || process.env.GITHUB_HEAD_REF || process.env.GITHUB_REF_NAME || "";
  const workflow = core.getInput("workflow") || workflowFileFromRef(process.env.GITHUB_WORKFLOW_REF ?? "");
  return report({
    ...(await trustedFor(client)),
    config,
    stateDir,
    resultsDir,
    client,
    repo,
    runId,
    runUrl: `${server}/${repo.owner}/${repo.repo}/actions/runs/${runId}`,
    pr,
    sha,
    overrides,
    baselineDir: defaulted("baseline-dir"),
    baseLabel: context.payload.pull_request?.base?.ref ?? "the base branch",
    botLogin,
    dispatch: wantDispatch
      ? {
          workflow,
          ref,
          inputs: {
            "state-run-id": String(runId),
            ...(pr ? { pr: String(pr) } : {}),
            ...(sha ? { sha } : {}),
            ...(Object.keys(overrides).length ? { overrides: JSON.stringify(overrides) } : {}),
          },
        }
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

/**
 * `command: slash` — answers a `/tune` comment on a pull request. Everything
 * about the comment is decided here, in code: the workflow that runs this step
 * passes no comment text anywhere. A study is started by dispatching the tuning
 * workflow from the default branch with the pull request's head commit pinned
 * and the validated settings as JSON, so neither the workflow definition nor
 * the bot's rules can be changed by the pull request itself.
 */
import * as core from "@actions/core";
import { HELP, parseCommand } from "../bot/parse.ts";
import {
  type CommentEvent,
  forkRefusal,
  hasPermission,
  type Permission,
  permissionRefusal,
  screenEvent,
} from "../bot/policy.ts";
import { type BotState, botStateLine, readBotState } from "../bot/status.ts";
import type { Overrides } from "../config/overrides.ts";
import { applyOverrides, OverrideError } from "../config/overrides.ts";
import type { Config } from "../config/schema.ts";
import { call, type GitHubClient } from "../github/client.ts";
import { findComment, studyMarker, writeComment } from "../github/comments.ts";
import { dispatchWorkflow } from "../github/dispatch.ts";
import type { Repo } from "../github/repo.ts";
import { loadActionConfig } from "./config.ts";

export interface SlashInputs {
  config: string;
  event: CommentEvent;
  client: GitHubClient;
  repo: Repo;
  serverUrl: string;
  /** From the action input; else the config's bot.permission. */
  minPermission: Permission | undefined;
}

type Reaction = "eyes" | "rocket" | "confused";

async function react(inputs: SlashInputs, commentId: number, content: Reaction): Promise<void> {
  await call(`reacting ${content} to comment ${commentId}`, "pull-requests: write", () =>
    inputs.client.rest.reactions.createForIssueComment({ ...inputs.repo, comment_id: commentId, content }),
  );
}

async function reply(inputs: SlashInputs, pr: number, login: string, text: string): Promise<void> {
  await call(`replying on #${pr}`, "pull-requests: write", () =>
    inputs.client.rest.issues.createComment({ ...inputs.repo, issue_number: pr, body: `@${login} ${text}` }),
  );
}

function workflowUrl(inputs: SlashInputs, config: Config): string {
  return `${inputs.serverUrl}/${inputs.repo.owner}/${inputs.repo.repo}/actions/workflows/${config.bot.workflow}`;
}

function statusText(state: BotState | undefined, url: string | undefined): string {
  if (!state) return "no study has run on this pull request yet; comment `/tune` to start one.";
  const where = url ? ` ([the study's comment](${url}))` : "";
  const what = { running: "is running", stopping: "will stop after its current round", done: "has finished" }[
    state.status
  ];
  return `the study on ${state.sha.slice(0, 7)}, started by @${state.requestedBy}, ${what}${where}.`;
}

export async function slash(inputs: SlashInputs): Promise<void> {
  const gate = screenEvent(inputs.event);
  if (gate.kind === "ignore") {
    core.info(`nothing to do: ${gate.why}`);
    return;
  }
  const command = parseCommand(inputs.event.comment?.body ?? "");
  if (command.kind === "none") {
    core.info("the comment is not a /tune command");
    return;
  }
  const { pr, commentId, login } = gate;
  await react(inputs, commentId, "eyes");
  const refuse = async (text: string) => {
    await react(inputs, commentId, "confused");
    await reply(inputs, pr, login, text);
    core.info(`refused: ${text}`);
  };
  if (command.kind === "invalid") return refuse(`${command.message}\n\n${HELP}`);
  if (command.kind === "help") return reply(inputs, pr, login, `\n\n${HELP}`);

  // The rules come from the default branch's config: a pull request cannot loosen them.
  const overrides: Overrides = command.kind === "start" || command.kind === "restart" ? command.overrides : {};
  const { config: base } = loadActionConfig(inputs.config, overrides.config ? { config: overrides.config } : {});
  let config: Config;
  try {
    config = applyOverrides(base, overrides);
  } catch (err) {
    if (err instanceof OverrideError) return refuse(`${err.message}\n\n${HELP}`);
    throw err;
  }
  const needed = inputs.minPermission ?? config.bot.permission;
  const { data: perm } = await call(`checking @${login}'s permission`, "contents: read", () =>
    inputs.client.rest.repos.getCollaboratorPermissionLevel({ ...inputs.repo, username: login }),
  );
  const actual = perm.permission as Permission;
  if (!hasPermission(actual, needed)) return refuse(permissionRefusal(login, actual, needed));

  const marker = studyMarker(config.name);
  const existing = await findComment(inputs.client, inputs.repo, pr, marker);
  const state = readBotState(existing?.body);
  const running = state?.status === "running" || state?.status === "stopping";

  if (command.kind === "status") return reply(inputs, pr, login, statusText(state, existing?.url));
  if (command.kind === "stop") {
    if (!running || !existing || !state)
      return reply(inputs, pr, login, `there is no running study to stop: ${statusText(state, existing?.url)}`);
    const body = existing.body.replace(
      botStateLine(state),
      botStateLine({ ...state, status: "stopping", stopRequestedBy: login }),
    );
    await writeComment(inputs.client, inputs.repo, pr, existing, body);
    return reply(
      inputs,
      pr,
      login,
      "the study will stop after its current round; the comment will show the results so far.",
    );
  }
  if (command.kind === "start" && running)
    return reply(
      inputs,
      pr,
      login,
      `${statusText(state, existing?.url)} One study runs per pull request: \`/tune restart\` cancels it and starts a new one.`,
    );

  const { data: pull } = await call(`reading pull request #${pr}`, "pull-requests: read", () =>
    inputs.client.rest.pulls.get({ ...inputs.repo, pull_number: pr }),
  );
  const headRepo = pull.head.repo?.full_name ?? "(a deleted fork)";
  if (headRepo !== `${inputs.repo.owner}/${inputs.repo.repo}` && !config.bot.allow_forks)
    return refuse(forkRefusal(headRepo));

  if (command.kind === "restart" && running) await cancelRuns(inputs.client, inputs.repo, config, pr);

  const sha = pull.head.sha;
  const next: BotState = { v: 1, status: "running", sha, requestedBy: login, overrides, commentId };
  const url = workflowUrl(inputs, config);
  const body = `${marker}\n${botStateLine(next)}\n## matrix-tune: ${config.name}\n\nStarting a ${config.strategy} study of ${config.budget.max_trials} trials (${config.budget.parallel} per round) on ${sha.slice(0, 7)}, as asked by @${login}. Follow it in [the ${config.bot.workflow} runs](${url}); this comment shows the results after each round.\n`;
  const written = await writeComment(inputs.client, inputs.repo, pr, existing, body);
  const ref = inputs.event.repository?.default_branch ?? "main";
  await dispatchWorkflow(inputs.client, inputs.repo, config.bot.workflow, ref, {
    pr: String(pr),
    sha,
    ...(Object.keys(overrides).length ? { overrides: JSON.stringify(overrides) } : {}),
  });
  await react(inputs, commentId, "rocket");
  core.setOutput("comment-url", written.url);
  core.info(`started study ${config.name} on ${sha} for #${pr}`);
}

/** Cancels this pull request's study runs, recognised by the run name the README's workflow gives them. */
async function cancelRuns(client: GitHubClient, repo: Repo, config: Config, pr: number): Promise<void> {
  for (const status of ["in_progress", "queued"] as const) {
    const { data } = await call(`listing ${config.bot.workflow} runs`, "actions: read", () =>
      client.rest.actions.listWorkflowRuns({ ...repo, workflow_id: config.bot.workflow, status, per_page: 100 }),
    );
    for (const run of data.workflow_runs)
      if (run.display_title === `tune PR #${pr}`)
        await call(`cancelling run ${run.id}`, "actions: write", () =>
          client.rest.actions.cancelWorkflowRun({ ...repo, run_id: run.id }),
        );
  }
}

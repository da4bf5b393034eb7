/**
 * `command: slash` — answers a `/tune` comment on a pull request. Everything
 * about the comment is decided here, in code: the workflow that runs this step
 * passes no comment text anywhere. A study is started by dispatching the tuning
 * workflow from the default branch with the pull request's head commit pinned
 * and the validated settings as JSON, so neither the workflow definition nor
 * the bot's rules can be changed by the pull request itself.
 *
 * The gates come first and in this order: the event (a new comment on a pull
 * request), its author (no bots), the author's permission (asked of the API),
 * then the fork policy. Nothing else happens before them: no file is read and
 * no command is answered for someone who may not use the bot.
 */
import { relative } from "node:path";
import * as core from "@actions/core";
import { type Command, HELP, parseCommand } from "../bot/parse.ts";
import {
  type CommentEvent,
  collaboratorPermissionSchema,
  forkRefusal,
  hasPermission,
  LOWEST_BOT_PERMISSION,
  type Permission,
  permissionFromApi,
  permissionRefusal,
  pinRefusal,
  screenEvent,
} from "../bot/policy.ts";
import { type BotState, botStateLine, readBotState } from "../bot/status.ts";
import { ConfigError, formatIssue } from "../config/errors.ts";
import type { Overrides } from "../config/overrides.ts";
import { applyOverrides, OverrideError } from "../config/overrides.ts";
import type { Config } from "../config/schema.ts";
import { call, type GitHubClient } from "../github/client.ts";
import { findComment, studyMarker, writeComment } from "../github/comments.ts";
import { dispatchWorkflow } from "../github/dispatch.ts";
import type { Repo } from "../github/repo.ts";
import { loadActionConfig, workspacePath } from "./config.ts";

export interface SlashInputs {
  config: string;
  event: CommentEvent;
  client: GitHubClient;
  repo: Repo;
  serverUrl: string;
  /** From the action input; else the config's bot.permission. */
  minPermission: Permission | undefined;
  /** The login the token comments as: only its comments hold the study's state. */
  botLogin: string;
}

type Reaction = "eyes" | "rocket" | "confused";
type Asker = { pr: number; commentId: number; login: string };

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

async function permissionOf(inputs: SlashInputs, login: string): Promise<Permission> {
  const { data } = await call(`checking @${login}'s permission`, "contents: read", () =>
    inputs.client.rest.repos.getCollaboratorPermissionLevel({ ...inputs.repo, username: login }),
  );
  const parsed = collaboratorPermissionSchema.safeParse(data);
  if (!parsed.success)
    throw new Error(`GitHub's answer about @${login}'s permission has no permission field; refusing to guess`);
  return permissionFromApi(parsed.data);
}

/** Marks the bot's one reply to people who may not use it, so a pull request gets at most one. */
const REFUSAL_MARKER = "<!-- matrix-tune:refused -->";

/**
 * Someone without permission: the 😕 reaction always, a reply only the first
 * time on this pull request, so nobody can make the bot flood a conversation.
 */
async function refuseOutsider(inputs: SlashInputs, asker: Asker, text: string): Promise<void> {
  await react(inputs, asker.commentId, "confused");
  core.info(`refused: ${text}`);
  if (await findComment(inputs.client, inputs.repo, asker.pr, REFUSAL_MARKER, inputs.botLogin)) return;
  await reply(inputs, asker.pr, asker.login, `${text}\n${REFUSAL_MARKER}`);
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
  const asker: Asker = { pr: gate.pr, commentId: gate.commentId, login: gate.login };
  const actual = await permissionOf(inputs, asker.login);
  // Below any level a config can ask for: refused before the config is even read.
  if (!hasPermission(actual, inputs.minPermission ?? LOWEST_BOT_PERMISSION))
    return refuseOutsider(inputs, asker, permissionRefusal(asker.login, actual, inputs.minPermission));
  try {
    await answer(inputs, asker, command, actual);
  } catch (err) {
    // Past the gates every failure is answered, so nobody is left looking at 👀 and a red step.
    await react(inputs, asker.commentId, "confused");
    await reply(inputs, asker.pr, asker.login, failureText(err));
    if (err instanceof ConfigError || err instanceof OverrideError) {
      core.warning(`refused: ${err.message}`);
      return;
    }
    throw err;
  }
}

/** A failure as a reply: config problems as file:line, relative to the repository. */
function failureText(err: unknown): string {
  if (err instanceof ConfigError) {
    const file = relative(workspacePath("."), err.file) || err.file;
    const issues = err.issues.slice(0, 5).map((i) => formatIssue(file, i).replace(/`/g, "'"));
    const more = err.issues.length > 5 ? `\n… and ${err.issues.length - 5} more` : "";
    return `the tuning config cannot be used:\n\n\`\`\`text\n${issues.join("\n")}${more}\n\`\`\`\n\nNothing was started.`;
  }
  return `something went wrong, and nothing was started: ${(err as Error).message.replace(/`/g, "'").slice(0, 1000)}`;
}

/** The command of someone who passed the permission gate. */
async function answer(
  inputs: SlashInputs,
  asker: Asker,
  command: Exclude<Command, { kind: "none" }>,
  actual: Permission,
) {
  const { pr, commentId, login } = asker;
  await react(inputs, commentId, "eyes");
  // The rules come from the default branch's config at the workflow's path: a
  // pull request cannot loosen them, and neither can a `config=` in the comment.
  const { config: rules } = loadActionConfig(inputs.config);
  const needed = inputs.minPermission ?? rules.bot.permission;
  if (!hasPermission(actual, needed)) return refuseOutsider(inputs, asker, permissionRefusal(login, actual, needed));

  const refuse = async (text: string) => {
    await react(inputs, commentId, "confused");
    await reply(inputs, pr, login, text);
    core.info(`refused: ${text}`);
  };
  const { data: pull } = await call(`reading pull request #${pr}`, "pull-requests: read", () =>
    inputs.client.rest.pulls.get({ ...inputs.repo, pull_number: pr }),
  );
  const headRepo = pull.head.repo?.full_name ?? "(a deleted fork)";
  const fork = headRepo !== `${inputs.repo.owner}/${inputs.repo.repo}`;
  if (fork && !rules.bot.allow_forks) return refuse(forkRefusal(headRepo));

  if (command.kind === "invalid") return refuse(`${command.message}\n\n${HELP}`);
  if (command.kind === "help") return reply(inputs, pr, login, `\n\n${HELP}`);

  const overrides: Overrides = command.kind === "start" || command.kind === "restart" ? command.overrides : {};
  const { config: base } = overrides.config
    ? loadActionConfig(inputs.config, { config: overrides.config })
    : { config: rules };
  let config: Config;
  try {
    config = applyOverrides(base, overrides);
  } catch (err) {
    if (err instanceof OverrideError) return refuse(`${err.message}\n\n${HELP}`);
    throw err;
  }

  const marker = studyMarker(config.name);
  const existing = await findComment(inputs.client, inputs.repo, pr, marker, inputs.botLogin);
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
    await writeComment(inputs.client, inputs.repo, pr, existing, body, inputs.botLogin);
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

  const sha = pull.head.sha;
  const pin = pinRefusal(command.kind === "restart" ? "/tune restart" : "/tune", sha, command.sha, fork);
  if (pin) return refuse(pin);

  if (command.kind === "restart" && running) await cancelRuns(inputs.client, inputs.repo, config, pr);

  const next: BotState = { v: 1, status: "running", sha, requestedBy: login, overrides, commentId };
  const url = workflowUrl(inputs, config);
  const body = `${marker}\n${botStateLine(next)}\n## matrix-tune: ${config.name}\n\nStarting a ${config.strategy} study of ${config.budget.max_trials} trials (${config.budget.parallel} per round) on ${sha.slice(0, 7)}, as asked by @${login}. Follow it in [the ${config.bot.workflow} runs](${url}); this comment shows the results after each round.\n`;
  const written = await writeComment(inputs.client, inputs.repo, pr, existing, body, inputs.botLogin);
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

/**
 * The `/tune` bot as a test drives it: a comment stored on the loopback GitHub
 * and delivered as a webhook payload GitHub could send, and the bundled Action
 * answering it as the comment workflow's step would.
 */
import { runStep, type StepResult } from "./actions-runner.ts";
import type { FakeGitHub } from "./github-server.ts";
import { type CommentSeed, commentEvent } from "./webhooks.ts";

export type Comment = ReturnType<typeof commentEvent>;

/** A new comment on pull request `pr` by `seed.login`, stored on the server and returned as its webhook payload. */
export function postComment(gh: FakeGitHub, pr: number, body: string, seed: Partial<CommentSeed> & { login: string }) {
  const ev = commentEvent({ body, number: pr, pullRequest: true, repo: { owner: gh.owner, name: gh.repo }, ...seed });
  if (ev.action === "created")
    gh.addComment({ id: ev.comment.id, issue_number: ev.issue.number, body, user: ev.comment.user.login });
  return ev;
}

/** The Action's step on an issue_comment event, with extra action inputs. */
export function answerComment(
  gh: FakeGitHub,
  event: unknown,
  workspace: string,
  inputs: Record<string, string> = {},
): Promise<StepResult> {
  return runStep({
    workspace,
    inputs: { command: "", ...inputs },
    event,
    env: {
      GITHUB_EVENT_NAME: "issue_comment",
      GITHUB_API_URL: gh.url,
      GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
      GITHUB_SERVER_URL: "https://github.com",
    },
  });
}

/** A pull request from the fork `eve/models` at `sha`. */
export function addForkPull(gh: FakeGitHub, number: number, sha: string): void {
  gh.addPull({ number, user: "eve", head: { sha, repo: "eve/models", ref: "patch" }, base: { ref: "main" } });
}

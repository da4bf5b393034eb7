/**
 * One pull-request comment per study, found again by a hidden marker and
 * updated in place, so a study of many rounds never floods the conversation.
 * The comment holds the bot's state, so only one written by the identity the
 * token acts as counts: anyone can post the marker, and a planted copy must
 * never be read or edited.
 */
import { call, type GitHubClient } from "./client.ts";
import type { Repo } from "./repo.ts";

export function studyMarker(study: string): string {
  return `<!-- matrix-tune:study=${study} -->`;
}

export interface FoundComment {
  id: number;
  body: string;
  url: string;
}

/** Logins are case-insensitive on GitHub. */
function sameLogin(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** The first comment on the issue that `author` wrote and that holds `marker`. */
export async function findComment(
  client: GitHubClient,
  repo: Repo,
  issueNumber: number,
  marker: string,
  author: string,
): Promise<FoundComment | undefined> {
  const comments = await call(`listing the comments of #${issueNumber}`, "pull-requests: write", () =>
    client.paginate(client.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 }),
  );
  const found = comments.find((c) => sameLogin(c.user?.login, author) && c.body?.includes(marker));
  return found ? { id: found.id, body: found.body ?? "", url: found.html_url } : undefined;
}

export interface CommentRef {
  id: number;
  url: string;
  created: boolean;
}

/**
 * Replaces the found comment's text, or creates the comment. A new comment
 * written under another login than `author` is an error: every later round
 * would miss it and start another.
 */
export async function writeComment(
  client: GitHubClient,
  repo: Repo,
  issueNumber: number,
  existing: FoundComment | undefined,
  body: string,
  author: string,
): Promise<CommentRef> {
  if (existing) {
    const { data } = await call(`updating comment ${existing.id} on #${issueNumber}`, "pull-requests: write", () =>
      client.rest.issues.updateComment({ ...repo, comment_id: existing.id, body }),
    );
    return { id: data.id, url: data.html_url, created: false };
  }
  const { data } = await call(`commenting on #${issueNumber}`, "pull-requests: write", () =>
    client.rest.issues.createComment({ ...repo, issue_number: issueNumber, body }),
  );
  if (!sameLogin(data.user?.login, author))
    throw new Error(
      `the token comments as ${data.user?.login ?? "an unknown user"}, but matrix-tune looks for its comments by ${author}: set the input bot-login to ${data.user?.login ?? "the token's login"} (the study's comment ${data.html_url} would otherwise be written anew each round)`,
    );
  return { id: data.id, url: data.html_url, created: true };
}

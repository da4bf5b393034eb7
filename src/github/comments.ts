/**
 * One pull-request comment per study, found again by a hidden marker and
 * updated in place, so a study of many rounds never floods the conversation.
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

export async function findComment(
  client: GitHubClient,
  repo: Repo,
  issueNumber: number,
  marker: string,
): Promise<FoundComment | undefined> {
  const comments = await call(`listing the comments of #${issueNumber}`, "pull-requests: write", () =>
    client.paginate(client.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 }),
  );
  // A bot's marked comment first: a person quoting one must not take it over.
  const found =
    comments.find((c) => c.body?.includes(marker) && c.user?.type === "Bot") ??
    comments.find((c) => c.body?.includes(marker));
  return found ? { id: found.id, body: found.body ?? "", url: found.html_url } : undefined;
}

export interface CommentRef {
  id: number;
  url: string;
  created: boolean;
}

/** Replaces the found comment's text, or creates the comment. */
export async function writeComment(
  client: GitHubClient,
  repo: Repo,
  issueNumber: number,
  existing: FoundComment | undefined,
  body: string,
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
  return { id: data.id, url: data.html_url, created: true };
}

/**
 * One pull-request comment per study, found again by a hidden marker and
 * updated in place, so a study of many rounds never floods the conversation.
 */
import { call, type GitHubClient } from "./client.ts";
import type { Repo } from "./repo.ts";

export function studyMarker(study: string): string {
  return `<!-- matrix-tune:study=${study} -->`;
}

export interface CommentRef {
  id: number;
  url: string;
  created: boolean;
}

export async function upsertComment(
  client: GitHubClient,
  repo: Repo,
  issueNumber: number,
  marker: string,
  body: string,
): Promise<CommentRef> {
  const text = `${marker}\n${body}`;
  const comments = await call(`listing the comments of #${issueNumber}`, "pull-requests: write", () =>
    client.paginate(client.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 }),
  );
  // The oldest marked comment is the study's; a bot's later duplicates (if any) are left alone.
  const existing =
    comments.find((c) => c.body?.includes(marker) && c.user?.type === "Bot") ??
    comments.find((c) => c.body?.includes(marker));
  if (existing) {
    const { data } = await call(`updating comment ${existing.id} on #${issueNumber}`, "pull-requests: write", () =>
      client.rest.issues.updateComment({ ...repo, comment_id: existing.id, body: text }),
    );
    return { id: data.id, url: data.html_url, created: false };
  }
  const { data } = await call(`commenting on #${issueNumber}`, "pull-requests: write", () =>
    client.rest.issues.createComment({ ...repo, issue_number: issueNumber, body: text }),
  );
  return { id: data.id, url: data.html_url, created: true };
}

/**
 * Who may start what. Trials run on the repository's runners, often
 * self-hosted ones with secrets nearby, so the bot is strict by default: only
 * new comments on pull requests, never from bots (itself included, so it can
 * never loop), only from collaborators with enough permission (asked of the
 * API, not taken from author_association), and never a fork's code unless the
 * config on the default branch says so.
 */
import { z } from "zod";

export const PERMISSION_ORDER = ["none", "read", "triage", "write", "maintain", "admin"] as const;
export type Permission = (typeof PERMISSION_ORDER)[number];

const user = z.looseObject({ login: z.string(), type: z.string().optional() });

/** The part of an `issue_comment` webhook payload the bot reads (validated: it is outside input). */
export const commentEventSchema = z.looseObject({
  action: z.string().optional(),
  comment: z
    .looseObject({ id: z.int(), body: z.string().nullable().optional(), user: user.nullable().optional() })
    .optional(),
  issue: z.looseObject({ number: z.int(), pull_request: z.unknown().optional() }).optional(),
  sender: user.optional(),
  repository: z.looseObject({ full_name: z.string(), default_branch: z.string().optional() }).optional(),
});
export type CommentEvent = z.infer<typeof commentEventSchema>;

export type Gate = { kind: "ignore"; why: string } | { kind: "ok"; pr: number; commentId: number; login: string };

/** Whether the event is a new, human comment on a pull request at all. */
export function screenEvent(event: CommentEvent): Gate {
  if (event.action !== "created") return { kind: "ignore", why: `comment ${event.action ?? "event"}, not created` };
  const user = event.comment?.user ?? event.sender;
  if (!event.comment || !user) return { kind: "ignore", why: "not a comment event" };
  if (user.type === "Bot" || user.login.endsWith("[bot]"))
    return { kind: "ignore", why: `comment by bot ${user.login}` };
  if (!event.issue?.pull_request)
    return { kind: "ignore", why: `#${event.issue?.number ?? "?"} is an issue, not a pull request` };
  return { kind: "ok", pr: event.issue.number, commentId: event.comment.id, login: user.login };
}

export function hasPermission(actual: Permission, needed: Permission): boolean {
  return PERMISSION_ORDER.indexOf(actual) >= PERMISSION_ORDER.indexOf(needed);
}

export function permissionRefusal(login: string, actual: Permission, needed: Permission): string {
  return `Sorry @${login}, starting a tuning study needs **${needed}** permission on this repository (yours is ${actual}): its trials run on the repository's own runners. A maintainer can start it for you with \`/tune\`.`;
}

export function forkRefusal(headRepo: string): string {
  return `This pull request comes from the fork **${headRepo}**, and this repository does not run forks' code on its runners (they may be self-hosted, with secrets nearby). A maintainer who has reviewed the code can allow it by setting \`bot: { allow_forks: true }\` in the tuning config on the default branch.`;
}

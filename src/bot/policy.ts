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

/**
 * The part of GET /repos/{owner}/{repo}/collaborators/{username}/permission the
 * bot reads. `permission` is the legacy level (admin, write, read or none: a
 * maintainer reads as write, a triager as read); the role itself is in
 * `role_name`, which may also be a custom role's name.
 */
export const collaboratorPermissionSchema = z.looseObject({
  permission: z.string(),
  role_name: z.string().optional(),
});

/** The commenter's level: the role when it is a built-in one, else the legacy permission GitHub documents as its fallback. */
export function permissionFromApi(data: z.infer<typeof collaboratorPermissionSchema>): Permission {
  const known = (level: string | undefined): level is Permission =>
    level !== undefined && (PERMISSION_ORDER as readonly string[]).includes(level);
  if (known(data.role_name)) return data.role_name;
  return known(data.permission) ? data.permission : "none";
}

/** The lowest level `bot.permission` can ask for: anyone below it is refused before any file is read. */
export const LOWEST_BOT_PERMISSION: Permission = "triage";

export function hasPermission(actual: Permission, needed: Permission): boolean {
  return PERMISSION_ORDER.indexOf(actual) >= PERMISSION_ORDER.indexOf(needed);
}

/** `needed` is undefined when the commenter is below any level the config could ask for, so the config was not read. */
export function permissionRefusal(login: string, actual: Permission, needed: Permission | undefined): string {
  const level = needed ? `**${needed}** permission` : `at least **${LOWEST_BOT_PERMISSION}** permission`;
  return `Sorry @${login}, using matrix-tune here needs ${level} on this repository (yours is ${actual}): its trials run on the repository's own runners. A maintainer can start a study for you with \`/tune\`.`;
}

export function forkRefusal(headRepo: string): string {
  return `This pull request comes from the fork **${headRepo}**, and this repository does not run forks' code on its runners (they may be self-hosted, with secrets nearby). A maintainer who has reviewed the code can allow it by setting \`bot: { allow_forks: true }\` in the tuning config on the default branch.`;
}

/**
 * Whether the command names the commit that will run. A fork's pull request
 * must name the commit its reviewer read (`sha=`, at least 7 hex digits), so
 * that code pushed after the review never runs unseen; anyone may name one,
 * and a named commit must be the head.
 */
export function pinRefusal(verb: string, head: string, given: string | undefined, fork: boolean): string | undefined {
  const short = head.slice(0, 7);
  const ask = `\`${verb} sha=${short}\``;
  if (given !== undefined && !head.startsWith(given))
    return `\`sha=${given}\` is not this pull request's head: the head is now **${short}**. Review that commit, then comment ${ask}.`;
  if (given === undefined && fork)
    return `this pull request comes from a fork, so the command must name the commit you reviewed (code pushed after your review must not run unseen). The head is now **${short}**: once you have reviewed it, comment ${ask}.`;
  return undefined;
}

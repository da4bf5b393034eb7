/**
 * `issue_comment` webhook payloads for the bot's tests, built from GitHub's
 * published example and validated against GitHub's published webhook schema
 * (@octokit/webhooks-schemas), so a test cannot pass on a payload GitHub would
 * never send.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv = require("ajv") as typeof import("ajv").default;
const addFormats = require("ajv-formats") as typeof import("ajv-formats").default;
const schema = require("@octokit/webhooks-schemas");
const examples = require("@octokit/webhooks-examples") as { name: string; examples: Record<string, unknown>[] }[];

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(schema, "webhooks");

// biome-ignore lint/suspicious/noExplicitAny: a cloned example payload, patched field by field, then schema-checked.
type Json = Record<string, any>;

export interface CommentSeed {
  body: string;
  login: string;
  action?: "created" | "edited" | "deleted";
  /** `Bot` for apps such as github-actions[bot]. */
  userType?: "User" | "Bot";
  association?: "OWNER" | "MEMBER" | "COLLABORATOR" | "CONTRIBUTOR" | "NONE";
  /** The issue number; with `pullRequest` it is a pull request. */
  number: number;
  pullRequest?: boolean;
  repo: { owner: string; name: string; defaultBranch?: string };
  commentId?: number;
}

let nextId = 5_000_000;

export function commentEvent(seed: CommentSeed): Json {
  const base = examples.find((e) => e.name === "issue_comment")!.examples.find((e) => e.action === "created")!;
  const ev = structuredClone(base) as Json;
  const full = `${seed.repo.owner}/${seed.repo.name}`;
  const api = `https://api.github.com/repos/${full}`;
  const reactions = (url: string) => ({
    url,
    total_count: 0,
    "+1": 0,
    "-1": 0,
    laugh: 0,
    hooray: 0,
    confused: 0,
    heart: 0,
    rocket: 0,
    eyes: 0,
  });
  const user = { ...ev.comment.user, login: seed.login, type: seed.userType ?? "User", id: 1000 + seed.login.length };
  ev.action = seed.action ?? "created";
  if (ev.action === "edited") ev.changes = { body: { from: "/tune" } };
  Object.assign(ev.repository, {
    name: seed.repo.name,
    full_name: full,
    default_branch: seed.repo.defaultBranch ?? "main",
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: "public",
    custom_properties: {},
  });
  ev.repository.owner = { ...ev.repository.owner, login: seed.repo.owner };
  Object.assign(ev.issue, {
    number: seed.number,
    url: `${api}/issues/${seed.number}`,
    active_lock_reason: null,
    labels: [],
    reactions: reactions(`${api}/issues/${seed.number}/reactions`),
  });
  if (seed.pullRequest)
    ev.issue.pull_request = {
      url: `${api}/pulls/${seed.number}`,
      html_url: `https://github.com/${full}/pull/${seed.number}`,
      diff_url: `https://github.com/${full}/pull/${seed.number}.diff`,
      patch_url: `https://github.com/${full}/pull/${seed.number}.patch`,
      merged_at: null,
    };
  const id = seed.commentId ?? nextId++;
  Object.assign(ev.comment, {
    id,
    body: seed.body,
    user,
    author_association: seed.association ?? "COLLABORATOR",
    performed_via_github_app: null,
    reactions: reactions(`${api}/issues/comments/${id}/reactions`),
  });
  ev.sender = user;
  const validate = ajv.getSchema(`webhooks#/definitions/issue_comment$${ev.action}`)!;
  if (!validate(ev))
    throw new Error(`test payload is not a valid issue_comment.${ev.action}: ${ajv.errorsText(validate.errors)}`);
  return ev;
}

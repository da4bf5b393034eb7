/**
 * A loopback HTTP server that speaks the subset of GitHub's REST API that
 * matrix-tune calls, for tests that drive the real client (`getOctokit` from
 * `@actions/github`, with the throttling and retry plugins) over real HTTP.
 *
 * Every request is checked against GitHub's published OpenAPI description
 * (test/fixtures/openapi/github-subset.json): path and query parameters and
 * the JSON body. A request that leaves the description gets GitHub's 422
 * validation error and a recorded violation; a call to anything the fixture
 * does not describe gets GitHub's 404 and a violation "unexpected call".
 * Every response body the server sends is checked too, so seeded records that
 * GitHub would never send show up as violations. Tests should end with
 * `server.assertNoViolations()`.
 *
 * World state is plain, mutable records in GitHub's own shapes (the types
 * come from the same client the product uses); tests seed it with the `add*`
 * helpers, which fill GitHub-like defaults, and inspect it after the call.
 *
 * Behaviour modelled beyond the description (GitHub's, marked "GitHub rule"
 * in violations): comment bodies must be non-blank and at most 65,536
 * characters; workflow_dispatch input values must be strings; per_page is
 * capped at 100; non-collaborators get `read` on a public repository and
 * `none` on a private one; a dispatch creates a queued `workflow_dispatch`
 * run in `runs`; cancelling a completed run is a 409.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { getOctokit } from "@actions/github";
import { formatViolation, githubOpenApi, type OperationSpec, type Violation } from "./openapi.ts";

type Rest = ReturnType<typeof getOctokit>["rest"];
type Data<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>> extends { data: infer D } ? D : never;

/** An issue or pull-request comment as GitHub sends it, plus the issue it belongs to (not sent). */
export type IssueComment = Data<Rest["issues"]["createComment"]> & { issue_number: number };
export type WorkflowJob = Data<Rest["actions"]["listJobsForWorkflowRun"]>["jobs"][number];
export type WorkflowRun = Data<Rest["actions"]["listWorkflowRuns"]>["workflow_runs"][number];
export type Artifact = Data<Rest["actions"]["listWorkflowRunArtifacts"]>["artifacts"][number];
export type PullRequest = Data<Rest["pulls"]["get"]>;
export type SimpleUser = PullRequest["user"];
export type Repository = PullRequest["head"]["repo"];
export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";
export type ReactionContent = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/repos/octo-org/models/issues/7/comments`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  status: number;
  /** `operationId` from GitHub's description (`issues/create-comment`), or null for an unknown route. */
  operation: string | null;
}

export interface Fault {
  status: number;
  headers?: Record<string, string>;
  /** JSON body (default: GitHub's error shape for the status); a string is sent as text/html. */
  body?: unknown;
}

export interface PullSeed {
  number?: number;
  title?: string;
  body?: string | null;
  state?: "open" | "closed";
  draft?: boolean;
  merged?: boolean;
  /** Login of the author. */
  user?: string;
  /** `repo` is the head repository's full name: anything but `owner/repo` makes a fork PR. */
  head?: { ref?: string; sha?: string; repo?: string };
  base?: { ref?: string; sha?: string };
  author_association?: PullRequest["author_association"];
}

export interface CommentSeed {
  issue_number: number;
  body: string;
  /** Login of the author (default: the token's user, `github-actions[bot]`). */
  user?: string;
  author_association?: IssueComment["author_association"];
  created_at?: string;
  updated_at?: string;
  id?: number;
}

export interface StartOptions {
  owner?: string;
  repo?: string;
  /** Decides what a non-collaborator's permission is (`read` when public, `none` when private). Default public. */
  visibility?: "public" | "private";
  /** When set, any other token gets 401 Bad credentials. */
  token?: string;
  /** Login of the token's user, the author of comments and reactions the client creates. */
  botLogin?: string;
}

export interface FakeGitHub {
  /** `http://127.0.0.1:PORT`: use as GITHUB_API_URL or octokit's `baseUrl`. */
  readonly url: string;
  readonly owner: string;
  readonly repo: string;
  comments: IssueComment[];
  /** Jobs per workflow run id. */
  jobs: Map<number, WorkflowJob[]>;
  runs: WorkflowRun[];
  /** Artifacts per workflow run id. */
  artifacts: Map<number, Artifact[]>;
  dispatches: { workflow_id: string; ref: string; inputs: Record<string, unknown> }[];
  reactions: { comment_id: number; content: string }[];
  /** Role per login; logins not in the map are not collaborators. */
  collaborators: Map<string, Permission>;
  pulls: Map<number, PullRequest>;
  /** Run ids cancelled through the API. */
  cancelled: number[];
  readonly requests: RecordedRequest[];
  /** Every mismatch with GitHub's description (or a GitHub rule), request or response, with operation and JSON pointer. */
  readonly violations: string[];
  /**
   * Answers the next `times` (default 1) requests whose method (any, when
   * omitted) and path (regex on the path without the query) match with
   * `fault` instead, before authentication and validation, the way GitHub's
   * front end answers a 502 or a rate limit. See `faults` for realistic ones.
   */
  fail(match: { method?: string; path: RegExp }, fault: Fault, times?: number): void;
  /** Faults still queued (not yet served). */
  pendingFaults(): number;
  addComment(seed: CommentSeed): IssueComment;
  addRun(seed?: Partial<WorkflowRun>): WorkflowRun;
  addJob(runId: number, seed?: Partial<WorkflowJob>): WorkflowJob;
  addArtifact(runId: number, seed?: Partial<Artifact>): Artifact;
  addPull(seed?: PullSeed): PullRequest;
  /** A GitHub user as GitHub renders it (`type: "Bot"` for logins ending in `[bot]`). */
  user(login: string): SimpleUser;
  /** A repository as GitHub renders it, by full name. */
  repository(fullName: string, opts?: { private?: boolean; fork?: boolean }): Repository;
  /** Throws, listing every violation, when there is any. */
  assertNoViolations(): void;
  close(): Promise<void>;
}

const DOCS = "https://docs.github.com/rest";
const SECONDARY_RATE_LIMIT_DOCS =
  "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";
const COMMENT_MAX = 65536;
const DEFAULT_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
const BASE_SHA = "9c48853fa3dc5c1c3d6f1f1cd1f2743e72652840";
const GITHUB_ACTIONS_BOT_ID = 41898282;

/** Realistic faults for `fail()`. */
export const faults = {
  /** GitHub's front end when a backend is unavailable (the retry plugin retries it). */
  badGateway(): Fault {
    return { status: 502, body: { message: "Server Error" } };
  },
  serverError(): Fault {
    return { status: 500, body: { message: "Server Error" } };
  },
  /** A secondary rate limit: 403 with `retry-after` and GitHub's message (the throttling plugin waits and retries). */
  secondaryRateLimit(retryAfterSeconds = 1): Fault {
    return {
      status: 403,
      headers: { "retry-after": String(retryAfterSeconds) },
      body: {
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0CE2:2B3E:1B0A5C1:1C3F2A0:65A1B2C3.",
        documentation_url: SECONDARY_RATE_LIMIT_DOCS,
        status: "403",
      },
    };
  },
  /** The primary rate limit: 403 with `x-ratelimit-remaining: 0` and the reset time. */
  primaryRateLimit(resetInSeconds = 1): Fault {
    return {
      status: 403,
      headers: {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + resetInSeconds),
      },
      body: {
        message: "API rate limit exceeded for installation ID 1234567.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-rate-limits",
        status: "403",
      },
    };
  },
};

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Ctx {
  op: OperationSpec;
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  pathname: string;
  rawQuery: URLSearchParams;
}

const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

function stableId(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (h % 90_000_000) + 1_000_000;
}

function errorBody(status: number, message?: string): Record<string, unknown> {
  const messages: Record<number, string> = {
    400: "Problems parsing JSON",
    401: "Requires authentication",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Validation Failed",
    500: "Server Error",
    502: "Server Error",
    503: "Service Unavailable",
  };
  return { message: message ?? messages[status] ?? "Error", documentation_url: DOCS, status: String(status) };
}

/** GitHub's wording for a body that leaves its JSON schema ("Invalid request.\n\nFor 'properties/body', 5 is not a string."). */
function invalidRequestMessage(violations: Violation[]): string {
  const lines = violations.map((v) => {
    const field = v.pointer.replace(/^\//, "");
    if (v.keyword === "required") return `"${field.split("/").pop()}" wasn't supplied.`;
    if (v.keyword === "type" && v.part === "body") {
      return `For 'properties/${field}', ${JSON.stringify(v.value)} is not ${v.message.replace(/^must be /, "a ")}.`;
    }
    return `For '${v.part === "body" ? "properties/" : `${v.part} `}${field}', ${v.message}.`;
  });
  return `Invalid request.\n\n${lines.join("\n")}`;
}

export async function startFakeGitHub(opts: StartOptions = {}): Promise<FakeGitHub> {
  const api = githubOpenApi();
  const owner = opts.owner ?? "octo-org";
  const repo = opts.repo ?? "models";
  const visibility = opts.visibility ?? "public";
  const botLogin = opts.botLogin ?? "github-actions[bot]";
  let url = "";
  let nextId = 1000;
  let requestCount = 0;
  const queuedFaults: { method?: string; path: RegExp; fault: Fault; remaining: number }[] = [];
  const reactionIds = new Map<string, { id: number; created_at: string }>();

  const newId = (explicit?: number) => {
    if (explicit !== undefined) {
      nextId = Math.max(nextId, explicit + 1);
      return explicit;
    }
    return nextId++;
  };
  const apiRepo = (o = owner, r = repo) => `${url}/repos/${o}/${r}`;
  const htmlRepo = (o = owner, r = repo) => `https://github.com/${o}/${r}`;

  function user(login: string): SimpleUser {
    const bot = login.endsWith("[bot]");
    const id = login === "github-actions[bot]" ? GITHUB_ACTIONS_BOT_ID : stableId(login);
    const u = `${url}/users/${encodeURIComponent(login)}`;
    return {
      login,
      id,
      node_id: `${bot ? "BOT" : "U"}_kgDO${id.toString(36).toUpperCase()}`,
      avatar_url: `https://avatars.githubusercontent.com/${bot ? "in/15368" : `u/${id}`}?v=4`,
      gravatar_id: "",
      url: u,
      html_url: bot ? `https://github.com/apps/${login.slice(0, -"[bot]".length)}` : `https://github.com/${login}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type: bot ? "Bot" : login === owner ? "Organization" : "User",
      user_view_type: "public",
      site_admin: false,
    };
  }

  function repository(fullName: string, o: { private?: boolean; fork?: boolean } = {}): Repository {
    const [ownerLogin = owner, name = repo] = fullName.split("/");
    const a = apiRepo(ownerLogin, name);
    const created = "2024-01-15T10:00:00Z";
    return {
      id: stableId(`repo:${fullName}`),
      node_id: `R_kgDO${stableId(`repo:${fullName}`).toString(36).toUpperCase()}`,
      name,
      full_name: `${ownerLogin}/${name}`,
      owner: user(ownerLogin),
      private: o.private ?? visibility === "private",
      html_url: htmlRepo(ownerLogin, name),
      description: null,
      fork: o.fork ?? false,
      url: a,
      archive_url: `${a}/{archive_format}{/ref}`,
      assignees_url: `${a}/assignees{/user}`,
      blobs_url: `${a}/git/blobs{/sha}`,
      branches_url: `${a}/branches{/branch}`,
      collaborators_url: `${a}/collaborators{/collaborator}`,
      comments_url: `${a}/comments{/number}`,
      commits_url: `${a}/commits{/sha}`,
      compare_url: `${a}/compare/{base}...{head}`,
      contents_url: `${a}/contents/{+path}`,
      contributors_url: `${a}/contributors`,
      deployments_url: `${a}/deployments`,
      downloads_url: `${a}/downloads`,
      events_url: `${a}/events`,
      forks_url: `${a}/forks`,
      git_commits_url: `${a}/git/commits{/sha}`,
      git_refs_url: `${a}/git/refs{/sha}`,
      git_tags_url: `${a}/git/tags{/sha}`,
      git_url: `git://github.com/${ownerLogin}/${name}.git`,
      issue_comment_url: `${a}/issues/comments{/number}`,
      issue_events_url: `${a}/issues/events{/number}`,
      issues_url: `${a}/issues{/number}`,
      keys_url: `${a}/keys{/key_id}`,
      labels_url: `${a}/labels{/name}`,
      languages_url: `${a}/languages`,
      merges_url: `${a}/merges`,
      milestones_url: `${a}/milestones{/number}`,
      notifications_url: `${a}/notifications{?since,all,participating}`,
      pulls_url: `${a}/pulls{/number}`,
      releases_url: `${a}/releases{/id}`,
      ssh_url: `git@github.com:${ownerLogin}/${name}.git`,
      stargazers_url: `${a}/stargazers`,
      statuses_url: `${a}/statuses/{sha}`,
      subscribers_url: `${a}/subscribers`,
      subscription_url: `${a}/subscription`,
      tags_url: `${a}/tags`,
      teams_url: `${a}/teams`,
      trees_url: `${a}/git/trees{/sha}`,
      clone_url: `https://github.com/${ownerLogin}/${name}.git`,
      mirror_url: null,
      hooks_url: `${a}/hooks`,
      svn_url: htmlRepo(ownerLogin, name),
      homepage: null,
      language: "Python",
      forks_count: 0,
      stargazers_count: 0,
      watchers_count: 0,
      size: 1024,
      default_branch: "main",
      open_issues_count: 0,
      is_template: false,
      topics: [],
      has_issues: true,
      has_projects: true,
      has_wiki: true,
      has_pages: false,
      has_downloads: true,
      has_discussions: false,
      archived: false,
      disabled: false,
      visibility: (o.private ?? visibility === "private") ? "private" : "public",
      pushed_at: created,
      created_at: created,
      updated_at: created,
      allow_forking: true,
      web_commit_signoff_required: false,
      license: null,
      forks: 0,
      open_issues: 0,
      watchers: 0,
    };
  }

  function authorAssociation(login: string): IssueComment["author_association"] {
    if (login === owner) return "OWNER";
    const role = fake.collaborators.get(login);
    return role && role !== "none" ? "COLLABORATOR" : "NONE";
  }

  function commentUrls(issueNumber: number, id: number) {
    const kind = fake.pulls.has(issueNumber) ? "pull" : "issues";
    return {
      url: `${apiRepo()}/issues/comments/${id}`,
      html_url: `${htmlRepo()}/${kind}/${issueNumber}#issuecomment-${id}`,
      issue_url: `${apiRepo()}/issues/${issueNumber}`,
    };
  }

  function addComment(seed: CommentSeed): IssueComment {
    const id = newId(seed.id);
    const login = seed.user ?? botLogin;
    const created = seed.created_at ?? isoNow();
    const comment: IssueComment = {
      id,
      node_id: `IC_kwDO${id.toString(36).toUpperCase()}`,
      ...commentUrls(seed.issue_number, id),
      body: seed.body,
      user: user(login),
      created_at: created,
      updated_at: seed.updated_at ?? created,
      author_association: seed.author_association ?? authorAssociation(login),
      performed_via_github_app: null,
      reactions: {
        url: `${apiRepo()}/issues/comments/${id}/reactions`,
        total_count: 0,
        "+1": 0,
        "-1": 0,
        laugh: 0,
        hooray: 0,
        confused: 0,
        heart: 0,
        rocket: 0,
        eyes: 0,
      },
      issue_number: seed.issue_number,
    };
    fake.comments.push(comment);
    return comment;
  }

  function headCommit(sha: string): WorkflowRun["head_commit"] {
    return {
      id: sha,
      tree_id: sha.split("").reverse().join(""),
      message: "Train with a wider model",
      timestamp: "2024-06-01T12:00:00Z",
      author: { name: "Mona Lisa", email: "mona@example.com" },
      committer: { name: "GitHub", email: "noreply@github.com" },
    };
  }

  function addRun(seed: Partial<WorkflowRun> = {}): WorkflowRun {
    const id = newId(seed.id);
    const workflowId = seed.workflow_id ?? 161335;
    const sha = seed.head_sha ?? DEFAULT_SHA;
    const a = apiRepo();
    const created = seed.created_at ?? isoNow();
    const runNumber = seed.run_number ?? fake.runs.filter((r) => r.workflow_id === workflowId).length + 1;
    const run: WorkflowRun = {
      id,
      name: "tune",
      node_id: `WFR_kwLO${id.toString(36).toUpperCase()}`,
      check_suite_id: id + 1_000_000,
      check_suite_node_id: `CS_kwDO${(id + 1_000_000).toString(36).toUpperCase()}`,
      head_branch: "main",
      head_sha: sha,
      path: ".github/workflows/tune.yml",
      display_title: "tune",
      run_number: runNumber,
      event: "push",
      status: "completed",
      conclusion: "success",
      workflow_id: workflowId,
      url: `${a}/actions/runs/${id}`,
      html_url: `${htmlRepo()}/actions/runs/${id}`,
      pull_requests: [],
      created_at: created,
      updated_at: seed.updated_at ?? created,
      actor: user(owner === "octo-org" ? "octocat" : owner),
      triggering_actor: user(owner === "octo-org" ? "octocat" : owner),
      run_attempt: 1,
      referenced_workflows: [],
      run_started_at: created,
      jobs_url: `${a}/actions/runs/${id}/jobs`,
      logs_url: `${a}/actions/runs/${id}/logs`,
      check_suite_url: `${a}/check-suites/${id + 1_000_000}`,
      artifacts_url: `${a}/actions/runs/${id}/artifacts`,
      cancel_url: `${a}/actions/runs/${id}/cancel`,
      rerun_url: `${a}/actions/runs/${id}/rerun`,
      previous_attempt_url: null,
      workflow_url: `${a}/actions/workflows/${workflowId}`,
      head_commit: headCommit(sha),
      repository: { ...repository(`${owner}/${repo}`), license: null },
      head_repository: { ...repository(`${owner}/${repo}`), license: null },
      ...seed,
    };
    fake.runs.push(run);
    return run;
  }

  function addJob(runId: number, seed: Partial<WorkflowJob> = {}): WorkflowJob {
    const id = newId(seed.id);
    const run = fake.runs.find((r) => r.id === runId);
    const list = fake.jobs.get(runId) ?? [];
    const a = apiRepo();
    const now = isoNow();
    const status = seed.status ?? "completed";
    const done = status === "completed";
    const job: WorkflowJob = {
      id,
      run_id: runId,
      run_url: `${a}/actions/runs/${runId}`,
      run_attempt: run?.run_attempt ?? 1,
      node_id: `CR_kwDO${id.toString(36).toUpperCase()}`,
      head_sha: run?.head_sha ?? DEFAULT_SHA,
      url: `${a}/actions/jobs/${id}`,
      html_url: `${htmlRepo()}/actions/runs/${runId}/job/${id}`,
      status,
      conclusion: done ? "success" : null,
      created_at: seed.created_at ?? now,
      started_at: seed.started_at ?? now,
      completed_at: seed.completed_at ?? (done ? now : null),
      name: `trial (${list.length + 1})`,
      steps: [
        {
          name: "Set up job",
          status: done ? "completed" : "in_progress",
          conclusion: done ? "success" : null,
          number: 1,
          started_at: now,
          completed_at: done ? now : null,
        },
      ],
      check_run_url: `${a}/check-runs/${id}`,
      labels: ["self-hosted", "gpu"],
      runner_id: 7,
      runner_name: "gpu-runner-1",
      runner_group_id: 1,
      runner_group_name: "Default",
      workflow_name: run?.name ?? "tune",
      head_branch: run?.head_branch ?? "main",
      ...seed,
    };
    list.push(job);
    fake.jobs.set(runId, list);
    return job;
  }

  function addArtifact(runId: number, seed: Partial<Artifact> = {}): Artifact {
    const id = newId(seed.id);
    const run = fake.runs.find((r) => r.id === runId);
    const a = apiRepo();
    const created = seed.created_at ?? isoNow();
    const expires = new Date(Date.parse(created) + 90 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const repoId = stableId(`repo:${owner}/${repo}`);
    const artifact: Artifact = {
      id,
      node_id: `MDg6QXJ0aWZhY3Q${id}`,
      name: `artifact-${id}`,
      size_in_bytes: 1024,
      url: `${a}/actions/artifacts/${id}`,
      archive_download_url: `${a}/actions/artifacts/${id}/zip`,
      expired: false,
      digest: `sha256:${stableId(`artifact:${id}`).toString(16).padStart(64, "0")}`,
      created_at: created,
      updated_at: created,
      expires_at: expires,
      workflow_run: {
        id: runId,
        repository_id: repoId,
        head_repository_id: repoId,
        head_branch: run?.head_branch ?? "main",
        head_sha: run?.head_sha ?? DEFAULT_SHA,
      },
      ...seed,
    };
    const list = fake.artifacts.get(runId) ?? [];
    list.push(artifact);
    fake.artifacts.set(runId, list);
    return artifact;
  }

  function addPull(seed: PullSeed = {}): PullRequest {
    const number = seed.number ?? Math.max(0, ...fake.pulls.keys()) + 1;
    const id = stableId(`pull:${number}`);
    const author = user(seed.user ?? "mona");
    const headRepoName = seed.head?.repo ?? `${owner}/${repo}`;
    const isFork = headRepoName.toLowerCase() !== `${owner}/${repo}`.toLowerCase();
    const headRepo = repository(headRepoName, { fork: isFork });
    const baseRepo = repository(`${owner}/${repo}`);
    const headRef = seed.head?.ref ?? `tune-${number}`;
    const headSha = seed.head?.sha ?? DEFAULT_SHA;
    const baseRef = seed.base?.ref ?? "main";
    const baseSha = seed.base?.sha ?? BASE_SHA;
    const a = apiRepo();
    const html = `${htmlRepo()}/pull/${number}`;
    const created = "2024-06-01T12:00:00Z";
    const merged = seed.merged ?? false;
    const state = seed.state ?? (merged ? "closed" : "open");
    const pr: PullRequest = {
      url: `${a}/pulls/${number}`,
      id,
      node_id: `PR_kwDO${id.toString(36).toUpperCase()}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${a}/issues/${number}`,
      commits_url: `${a}/pulls/${number}/commits`,
      review_comments_url: `${a}/pulls/${number}/comments`,
      review_comment_url: `${a}/pulls/comments{/number}`,
      comments_url: `${a}/issues/${number}/comments`,
      statuses_url: `${a}/statuses/${headSha}`,
      number,
      state,
      locked: false,
      title: seed.title ?? "Widen the model",
      user: author,
      body: seed.body === undefined ? "Tries a wider hidden layer." : seed.body,
      labels: [],
      milestone: null,
      active_lock_reason: null,
      created_at: created,
      updated_at: created,
      closed_at: state === "closed" ? created : null,
      merged_at: merged ? created : null,
      merge_commit_sha: merged ? BASE_SHA : null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: {
        label: `${headRepo.owner.login}:${headRef}`,
        ref: headRef,
        repo: headRepo,
        sha: headSha,
        user: headRepo.owner,
      },
      base: { label: `${owner}:${baseRef}`, ref: baseRef, repo: baseRepo, sha: baseSha, user: baseRepo.owner },
      _links: {
        self: { href: `${a}/pulls/${number}` },
        html: { href: html },
        issue: { href: `${a}/issues/${number}` },
        comments: { href: `${a}/issues/${number}/comments` },
        review_comments: { href: `${a}/pulls/${number}/comments` },
        review_comment: { href: `${a}/pulls/comments{/number}` },
        commits: { href: `${a}/pulls/${number}/commits` },
        statuses: { href: `${a}/statuses/${headSha}` },
      },
      author_association: seed.author_association ?? authorAssociation(author.login),
      auto_merge: null,
      draft: seed.draft ?? false,
      merged,
      mergeable: true,
      rebaseable: true,
      mergeable_state: "clean",
      merged_by: null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: isFork,
      commits: 1,
      additions: 10,
      deletions: 2,
      changed_files: 1,
    };
    fake.pulls.set(number, pr);
    return pr;
  }

  // ---- pagination -------------------------------------------------------------------------

  function paginate<T>(items: T[], ctx: Ctx): { page: T[]; headers: Record<string, string> } {
    const perPage = Math.min(100, Math.max(1, Number(ctx.query.per_page ?? 30) || 30));
    const page = Math.max(1, Number(ctx.query.page ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (p: number, rel: string) => {
      const q = new URLSearchParams(ctx.rawQuery);
      q.set("page", String(p));
      return `<${url}${ctx.pathname}?${q}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(Math.min(page - 1, last), "prev"));
    if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
    if (page > 1) links.push(link(1, "first"));
    return { page: slice, headers: links.length > 0 ? { link: links.join(", ") } : {} };
  }

  // ---- handlers ---------------------------------------------------------------------------

  const knownRun = (id: number) => fake.runs.some((r) => r.id === id) || fake.jobs.has(id) || fake.artifacts.has(id);
  const notFound = (message?: string): Reply => ({ status: 404, body: errorBody(404, message) });
  const ruleViolation = (ctx: Ctx, pointer: string, message: string) =>
    record(`${ctx.op.operationId}: request body ${pointer} ${message} (GitHub rule, not in the description)`);

  function commentRules(ctx: Ctx, body: string): Reply | undefined {
    if (body.trim() === "") {
      ruleViolation(ctx, "/body", "is blank");
      return {
        status: 422,
        body: {
          ...errorBody(422),
          errors: [{ resource: "IssueComment", code: "missing_field", field: "body" }],
        },
      };
    }
    if (body.length > COMMENT_MAX) {
      ruleViolation(ctx, "/body", `is too long (${body.length} > ${COMMENT_MAX} characters)`);
      return {
        status: 422,
        body: {
          ...errorBody(422),
          errors: [
            {
              resource: "IssueComment",
              code: "unprocessable",
              field: "data",
              message: `Body is too long (maximum is ${COMMENT_MAX} characters)`,
            },
          ],
        },
      };
    }
    return undefined;
  }

  const served = ({ issue_number: _, ...comment }: IssueComment) => comment;

  function matchesWorkflow(run: WorkflowRun, workflow: unknown): boolean {
    if (typeof workflow === "number") return run.workflow_id === workflow;
    const name = String(workflow);
    return run.path === name || run.path.endsWith(`/${name}`) || run.path.split("@")[0]!.endsWith(`/${name}`);
  }

  const handlers: Record<string, (ctx: Ctx) => Reply> = {
    "actions/list-jobs-for-workflow-run": (ctx) => {
      const runId = ctx.path.run_id as number;
      if (!knownRun(runId)) return notFound();
      let jobs = fake.jobs.get(runId) ?? [];
      if ((ctx.query.filter ?? "latest") === "latest" && jobs.length > 0) {
        const attempt = Math.max(...jobs.map((j) => j.run_attempt ?? 1));
        jobs = jobs.filter((j) => (j.run_attempt ?? 1) === attempt);
      }
      const { page, headers } = paginate(jobs, ctx);
      return { status: 200, body: { total_count: jobs.length, jobs: page }, headers };
    },

    "issues/list-comments": (ctx) => {
      const n = ctx.path.issue_number as number;
      const since = typeof ctx.query.since === "string" ? Date.parse(ctx.query.since) : Number.NEGATIVE_INFINITY;
      const list = fake.comments
        .filter((c) => c.issue_number === n && Date.parse(c.updated_at) >= since)
        .sort((x, y) => x.id - y.id);
      const { page, headers } = paginate(list, ctx);
      return { status: 200, body: page.map(served), headers };
    },

    "issues/create-comment": (ctx) => {
      const body = (ctx.body as { body: string }).body;
      const refused = commentRules(ctx, body);
      if (refused) return refused;
      const comment = addComment({ issue_number: ctx.path.issue_number as number, body });
      return { status: 201, body: served(comment), headers: { location: comment.url } };
    },

    "issues/update-comment": (ctx) => {
      const comment = fake.comments.find((c) => c.id === ctx.path.comment_id);
      if (!comment) return notFound();
      const body = (ctx.body as { body: string }).body;
      const refused = commentRules(ctx, body);
      if (refused) return refused;
      comment.body = body;
      comment.updated_at = isoNow();
      return { status: 200, body: served(comment) };
    },

    "actions/create-workflow-dispatch": (ctx) => {
      const req = ctx.body as { ref: string; inputs?: Record<string, unknown>; return_run_details?: boolean };
      const inputs = req.inputs ?? {};
      const bad = Object.entries(inputs).filter(([, v]) => typeof v !== "string");
      if (bad.length > 0) {
        for (const [k, v] of bad) ruleViolation(ctx, `/inputs/${k}`, `must be a string, got ${JSON.stringify(v)}`);
        const lines = bad.map(([k, v]) => `For 'properties/${k}', ${JSON.stringify(v)} is not a string.`);
        return { status: 422, body: errorBody(422, `Invalid request.\n\n${lines.join("\n")}`) };
      }
      const workflowId = String(ctx.path.workflow_id);
      fake.dispatches.push({ workflow_id: workflowId, ref: req.ref, inputs });
      const same = fake.runs.find((r) => matchesWorkflow(r, ctx.path.workflow_id));
      const branch = req.ref.replace(/^refs\/(heads|tags)\//, "");
      const onBranch = [...fake.runs].reverse().find((r) => r.head_branch === branch);
      const run = addRun({
        workflow_id:
          same?.workflow_id ?? (typeof ctx.path.workflow_id === "number" ? ctx.path.workflow_id : stableId(workflowId)),
        path: same?.path ?? `.github/workflows/${workflowId}`,
        name: same?.name ?? "tune",
        display_title: same?.name ?? "tune",
        event: "workflow_dispatch",
        status: "queued",
        conclusion: null,
        head_branch: branch,
        head_sha: onBranch?.head_sha ?? DEFAULT_SHA,
        actor: user(botLogin),
        triggering_actor: user(botLogin),
      });
      if (req.return_run_details === true) {
        return {
          status: 200,
          body: { workflow_run_id: run.id, run_url: run.url, html_url: run.html_url },
        };
      }
      return { status: 204 };
    },

    "repos/get-collaborator-permission-level": (ctx) => {
      const login = String(ctx.path.username);
      const role: Permission = fake.collaborators.get(login) ?? (visibility === "public" ? "read" : "none");
      const legacy = role === "maintain" ? "write" : role === "triage" ? "read" : role;
      const rank = ["none", "read", "triage", "write", "maintain", "admin"].indexOf(role);
      return {
        status: 200,
        body: {
          permission: legacy,
          role_name: role,
          user: {
            ...user(login),
            permissions: {
              admin: rank >= 5,
              maintain: rank >= 4,
              push: rank >= 3,
              triage: rank >= 2,
              pull: rank >= 1,
            },
            role_name: role,
          },
        },
      };
    },

    "reactions/create-for-issue-comment": (ctx) => {
      const commentId = ctx.path.comment_id as number;
      const comment = fake.comments.find((c) => c.id === commentId);
      if (!comment) return notFound();
      const content = (ctx.body as { content: ReactionContent }).content;
      const key = `${commentId} ${content}`;
      const existing = reactionIds.get(key);
      const reaction = existing ?? { id: newId(), created_at: isoNow() };
      if (!existing) {
        reactionIds.set(key, reaction);
        fake.reactions.push({ comment_id: commentId, content });
        if (comment.reactions) {
          comment.reactions[content] += 1;
          comment.reactions.total_count += 1;
        }
      }
      return {
        status: existing ? 200 : 201,
        body: {
          id: reaction.id,
          node_id: `REA_lADO${reaction.id.toString(36).toUpperCase()}`,
          user: user(botLogin),
          content,
          created_at: reaction.created_at,
        },
      };
    },

    "pulls/get": (ctx) => {
      const pr = fake.pulls.get(ctx.path.pull_number as number);
      return pr ? { status: 200, body: pr } : notFound();
    },

    "actions/list-workflow-runs": (ctx) => {
      const q = ctx.query;
      const statuses = new Set(["completed", "in_progress", "queued", "requested", "waiting", "pending"]);
      let list = fake.runs.filter((r) => matchesWorkflow(r, ctx.path.workflow_id));
      if (typeof q.branch === "string") list = list.filter((r) => r.head_branch === q.branch);
      if (typeof q.event === "string") list = list.filter((r) => r.event === q.event);
      if (typeof q.actor === "string") list = list.filter((r) => r.actor?.login === q.actor);
      if (typeof q.head_sha === "string") list = list.filter((r) => r.head_sha === q.head_sha);
      if (typeof q.check_suite_id === "number") list = list.filter((r) => r.check_suite_id === q.check_suite_id);
      if (typeof q.status === "string") {
        const s = q.status;
        list = list.filter((r) => (statuses.has(s) ? r.status === s : r.conclusion === s));
      }
      list = [...list].sort((x, y) => y.id - x.id);
      const { page, headers } = paginate(list, ctx);
      const runs = q.exclude_pull_requests === true ? page.map((r) => ({ ...r, pull_requests: [] })) : page;
      return { status: 200, body: { total_count: list.length, workflow_runs: runs }, headers };
    },

    "actions/list-workflow-run-artifacts": (ctx) => {
      const runId = ctx.path.run_id as number;
      if (!knownRun(runId)) return notFound();
      let list = fake.artifacts.get(runId) ?? [];
      if (typeof ctx.query.name === "string") list = list.filter((x) => x.name === ctx.query.name);
      list = [...list].sort((x, y) => (ctx.query.direction === "asc" ? x.id - y.id : y.id - x.id));
      const { page, headers } = paginate(list, ctx);
      return { status: 200, body: { total_count: list.length, artifacts: page }, headers };
    },

    "actions/cancel-workflow-run": (ctx) => {
      const runId = ctx.path.run_id as number;
      if (!knownRun(runId)) return notFound();
      const run = fake.runs.find((r) => r.id === runId);
      if (run?.status === "completed") {
        return { status: 409, body: errorBody(409, "Cannot cancel a workflow run that is completed.") };
      }
      if (run) {
        run.status = "completed";
        run.conclusion = "cancelled";
        run.updated_at = isoNow();
      }
      for (const job of fake.jobs.get(runId) ?? []) {
        if (job.status !== "completed") {
          job.status = "completed";
          job.conclusion = "cancelled";
          job.completed_at = isoNow();
        }
      }
      fake.cancelled.push(runId);
      return { status: 202, body: {} };
    },
  };

  // ---- the HTTP side ----------------------------------------------------------------------

  function record(violation: string) {
    violations.push(violation);
  }

  const requests: RecordedRequest[] = [];
  const violations: string[] = [];

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  function send(res: ServerResponse, reply: Reply) {
    requestCount++;
    const headers: Record<string, string> = {
      "x-github-api-version-selected": "2022-11-28",
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": `${randomBytes(2).toString("hex").toUpperCase()}:${randomBytes(4).toString("hex").toUpperCase()}`,
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": String(Math.max(1, 5000 - requestCount)),
      "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + 3600),
      "x-ratelimit-used": String(requestCount),
      "x-ratelimit-resource": "core",
      ...reply.headers,
    };
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers).end();
    } else if (typeof reply.body === "string") {
      res.writeHead(reply.status, { "content-type": "text/html; charset=utf-8", ...headers }).end(reply.body);
    } else {
      res
        .writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...headers })
        .end(JSON.stringify(reply.body));
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const method = (req.method ?? "GET").toUpperCase();
    const parsed = new URL(req.url ?? "/", "http://127.0.0.1");
    const pathname = parsed.pathname;
    const query = Object.fromEntries(parsed.searchParams);
    const text = await readBody(req);
    let body: unknown;
    let badJson = false;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        badJson = true;
        body = text;
      }
    }
    const matched = api.match(method, pathname);
    const entry: RecordedRequest = {
      method,
      path: pathname,
      query,
      body,
      status: 0,
      operation: matched?.op.operationId ?? null,
    };
    requests.push(entry);
    const reply = (r: Reply) => {
      entry.status = r.status;
      send(res, r);
    };

    // Faults come first: GitHub's front end answers them whatever the request.
    const fault = queuedFaults.find(
      (f) => f.remaining > 0 && (!f.method || f.method.toUpperCase() === method) && f.path.test(pathname),
    );
    if (fault) {
      fault.remaining--;
      return reply({
        status: fault.fault.status,
        headers: fault.fault.headers,
        body: fault.fault.body ?? errorBody(fault.fault.status),
      });
    }

    const auth = req.headers.authorization;
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(auth ?? "")?.[1];
    if (!auth) return reply({ status: 401, body: errorBody(401) });
    if (!token || (opts.token !== undefined && token !== opts.token)) {
      return reply({ status: 401, body: errorBody(401, "Bad credentials") });
    }

    if (!matched) {
      record(`unexpected call ${method} ${pathname}${parsed.search} (not an operation in github-subset.json)`);
      return reply({ status: 404, body: errorBody(404) });
    }
    const { op, params } = matched;
    if (
      params.owner?.toLowerCase() !== owner.toLowerCase() ||
      (params.repo ?? "").toLowerCase() !== repo.toLowerCase()
    ) {
      record(`${op.operationId}: unexpected repository ${params.owner}/${params.repo} (serving ${owner}/${repo})`);
      return reply({ status: 404, body: errorBody(404) });
    }
    if (badJson) {
      record(`${op.operationId}: request body is not JSON: ${text.slice(0, 80)}`);
      return reply({ status: 400, body: errorBody(400) });
    }

    const problems = api.validateRequest(op, { path: params, query, body, hasBody: text.length > 0 });
    if (problems.length > 0) {
      for (const p of problems) record(formatViolation(p));
      return reply({ status: 422, body: errorBody(422, invalidRequestMessage(problems)) });
    }

    const ctx: Ctx = {
      op,
      path: api.coerceParams(op, "path", params),
      query: api.coerceParams(op, "query", query),
      body,
      pathname,
      rawQuery: parsed.searchParams,
    };
    let out: Reply;
    try {
      const handler = handlers[op.operationId];
      if (!handler) throw new Error(`no handler for ${op.operationId}`);
      out = handler(ctx);
    } catch (err) {
      record(`${op.operationId}: the fake server failed: ${(err as Error).stack ?? err}`);
      return reply({ status: 500, body: errorBody(500) });
    }
    for (const p of api.validateResponse(op, out.status, out.body)) record(formatViolation(p, out.status));
    reply(out);
  }

  const fake: FakeGitHub = {
    get url() {
      return url;
    },
    owner,
    repo,
    comments: [],
    jobs: new Map(),
    runs: [],
    artifacts: new Map(),
    dispatches: [],
    reactions: [],
    collaborators: new Map(),
    pulls: new Map(),
    cancelled: [],
    requests,
    violations,
    fail(match, fault, times = 1) {
      queuedFaults.push({ method: match.method, path: match.path, fault, remaining: times });
    },
    pendingFaults: () => queuedFaults.reduce((n, f) => n + f.remaining, 0),
    addComment,
    addRun,
    addJob,
    addArtifact,
    addPull,
    user,
    repository,
    assertNoViolations() {
      if (violations.length > 0) {
        throw new Error(
          `the fake GitHub saw ${violations.length} violation(s) of GitHub's API:\n  ${violations.join("\n  ")}`,
        );
      }
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      record(`the fake server failed: ${(err as Error).stack ?? err}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

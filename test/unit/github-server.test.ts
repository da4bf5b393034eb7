/**
 * The loopback GitHub server, driven by the client the product uses:
 * `getOctokit` from `@actions/github` with the throttling and retry plugins,
 * over real HTTP.
 */
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { type FakeGitHub, faults, startFakeGitHub } from "../helpers/github-server.ts";
import { FIXTURE_URL, githubOpenApi } from "../helpers/openapi.ts";

type Client = ReturnType<typeof getOctokit>;

let clients = 0;
/**
 * Pacing off: by default the throttling plugin spaces writes 1 s apart and
 * comment creations 3 s apart, which is its own business, not the server's.
 * Rate limits and retries stay fully on.
 */
const unpaced = {
  key: () => ({
    schedule: (_opts: unknown, fn: (...args: unknown[]) => unknown, ...args: unknown[]) =>
      Promise.resolve().then(() => fn(...args)),
  }),
} as never;

function clientFor(server: FakeGitHub, opts: { log?: string[]; token?: string; retryBaseMs?: number } = {}): Client {
  const log = opts.log ?? [];
  return getOctokit(
    opts.token ?? "ghs_test-token",
    {
      baseUrl: server.url,
      retry: { retryAfterBaseValue: opts.retryBaseMs ?? 1000 },
      throttle: {
        id: `github-server-test-${++clients}`,
        write: unpaced,
        notifications: unpaced,
        onRateLimit: (after: number, _o: unknown, _k: unknown, count: number) => {
          log.push(`rate-limit ${after}`);
          return count < 2;
        },
        onSecondaryRateLimit: (after: number, _o: unknown, _k: unknown, count: number) => {
          log.push(`secondary-rate-limit ${after}`);
          return count < 2;
        },
      },
    },
    throttling,
    retry,
  );
}

/** The HTTP status of a rejected octokit call. */
async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    const status = (err as { status?: number }).status;
    assert.ok(typeof status === "number", `expected an HTTP error, got ${err}`);
    return status;
  }
  assert.fail("expected the call to fail");
}

describe("the OpenAPI fixture", () => {
  it("is small, records its source, and holds every served operation", () => {
    const api = githubOpenApi();
    assert.equal(api.source.package, "@octokit/openapi");
    assert.match(api.source.version, /^\d+\.\d+\.\d+$/);
    assert.match(api.source.extracted, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(statSync(FIXTURE_URL).size < 1.5 * 1024 * 1024);
    assert.deepEqual(api.operations.map((o) => o.operationId).sort(), [
      "actions/cancel-workflow-run",
      "actions/create-workflow-dispatch",
      "actions/list-jobs-for-workflow-run",
      "actions/list-workflow-run-artifacts",
      "actions/list-workflow-runs",
      "issues/create-comment",
      "issues/list-comments",
      "issues/update-comment",
      "pulls/get",
      "reactions/create-for-issue-comment",
      "repos/get-collaborator-permission-level",
    ]);
  });
});

describe("fake GitHub over real HTTP", () => {
  let server: FakeGitHub;
  let octokit: Client;
  const log: string[] = [];
  let repo: { owner: string; repo: string };

  before(async () => {
    server = await startFakeGitHub();
    octokit = clientFor(server, { log });
    repo = { owner: server.owner, repo: server.repo };
  });
  after(() => server.close());

  /** Violations recorded by `fn` (and removes them, so each test checks its own). */
  async function violationsDuring(fn: () => Promise<unknown>): Promise<string[]> {
    const before = server.violations.length;
    await fn();
    return (server.violations as string[]).splice(before);
  }

  it("pages 250 jobs over 3 pages with GitHub's link header", async () => {
    const run = server.addRun({ status: "in_progress", conclusion: null });
    for (let i = 0; i < 250; i++) server.addJob(run.id, { name: `trial (${i})` });
    const first = await octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: run.id, per_page: 100 });
    assert.equal(first.data.total_count, 250);
    assert.equal(first.data.jobs.length, 100);
    const jobsPath = `${server.url}/repos/octo-org/models/actions/runs/${run.id}/jobs`;
    assert.equal(
      first.headers.link,
      `<${jobsPath}?per_page=100&page=2>; rel="next", <${jobsPath}?per_page=100&page=3>; rel="last"`,
    );
    const before = server.requests.length;
    const all = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, {
      ...repo,
      run_id: run.id,
      per_page: 100,
    });
    assert.deepEqual(
      all.map((j) => j.name),
      Array.from({ length: 250 }, (_, i) => `trial (${i})`),
    );
    const pages = server.requests.slice(before);
    assert.deepEqual(
      pages.map((r) => [r.query.page ?? "1", r.status]),
      [
        ["1", 200],
        ["2", 200],
        ["3", 200],
      ],
    );
    server.assertNoViolations();
  });

  it("returns only the latest attempt's jobs unless filter=all", async () => {
    const run = server.addRun();
    server.addJob(run.id, { run_attempt: 1, conclusion: "failure" });
    server.addJob(run.id, { run_attempt: 2 });
    const latest = await octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: run.id });
    assert.deepEqual(
      latest.data.jobs.map((j) => j.run_attempt),
      [2],
    );
    const all = await octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: run.id, filter: "all" });
    assert.equal(all.data.total_count, 2);
    assert.equal(await statusOf(octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 999_999 })), 404);
    server.assertNoViolations();
  });

  it("lists, creates and updates comments as GitHub does", async () => {
    server.addPull({ number: 7 });
    for (let i = 0; i < 45; i++) server.addComment({ issue_number: 7, body: `note ${i}`, user: "mona" });
    server.addComment({ issue_number: 8, body: "elsewhere" });
    const listed = await octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: 7, per_page: 20 });
    assert.equal(listed.length, 45);
    assert.equal(listed[0]!.body, "note 0");
    assert.equal(listed[0]!.user?.login, "mona");
    assert.equal((listed[0] as Record<string, unknown>).issue_number, undefined, "issue_number is ours, not GitHub's");

    const created = await octokit.rest.issues.createComment({ ...repo, issue_number: 7, body: "## Results" });
    assert.equal(created.status, 201);
    assert.equal(created.data.user?.login, "github-actions[bot]");
    assert.equal(created.data.user?.type, "Bot");
    assert.match(created.data.html_url, /\/octo-org\/models\/pull\/7#issuecomment-\d+$/);
    assert.equal(created.headers.location, created.data.url);

    const updated = await octokit.rest.issues.updateComment({ ...repo, comment_id: created.data.id, body: "v2" });
    assert.equal(updated.status, 200);
    assert.equal(server.comments.find((c) => c.id === created.data.id)?.body, "v2");
    assert.equal(await statusOf(octokit.rest.issues.updateComment({ ...repo, comment_id: 1, body: "x" })), 404);
    server.assertNoViolations();
  });

  it("reacts to a comment: 201 when new, 200 when it already exists, 404 for an unknown comment", async () => {
    const comment = server.addComment({ issue_number: 7, body: "/tune", user: "mona" });
    const first = await octokit.rest.reactions.createForIssueComment({
      ...repo,
      comment_id: comment.id,
      content: "eyes",
    });
    assert.equal(first.status, 201);
    const again = await octokit.rest.reactions.createForIssueComment({
      ...repo,
      comment_id: comment.id,
      content: "eyes",
    });
    assert.equal(again.status, 200);
    assert.equal(again.data.id, first.data.id);
    await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.id, content: "rocket" });
    assert.deepEqual(
      server.reactions.filter((r) => r.comment_id === comment.id),
      [
        { comment_id: comment.id, content: "eyes" },
        { comment_id: comment.id, content: "rocket" },
      ],
    );
    assert.equal(
      await statusOf(octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: 42, content: "eyes" })),
      404,
    );
    server.assertNoViolations();
  });

  it("dispatches a workflow: 204, recorded, and a queued run appears", async () => {
    const res = await octokit.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: "tune.yml",
      ref: "refs/heads/tune-next",
      inputs: { "study-state-run": "123", round: "2" },
    });
    assert.equal(res.status, 204);
    assert.deepEqual(server.dispatches.at(-1), {
      workflow_id: "tune.yml",
      ref: "refs/heads/tune-next",
      inputs: { "study-state-run": "123", round: "2" },
    });
    const runs = await octokit.rest.actions.listWorkflowRuns({
      ...repo,
      workflow_id: "tune.yml",
      branch: "tune-next",
      event: "workflow_dispatch",
    });
    assert.equal(runs.data.total_count, 1);
    assert.equal(runs.data.workflow_runs[0]!.status, "queued");

    const details = await octokit.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
      ...repo,
      workflow_id: "tune.yml",
      ref: "main",
      return_run_details: true,
    });
    assert.equal(details.status, 200);
    assert.ok(server.runs.some((r) => r.id === (details.data as { workflow_run_id: number }).workflow_run_id));
    server.assertNoViolations();
  });

  it("lists a workflow's runs newest first, filtered by branch and status, and lists artifacts by name", async () => {
    const own = await startFakeGitHub({ owner: "acme", repo: "vision" });
    try {
      const client = clientFor(own);
      const r = { owner: "acme", repo: "vision" };
      const old = own.addRun({ head_branch: "main", conclusion: "success" });
      own.addRun({ head_branch: "feature", conclusion: "failure" });
      const newer = own.addRun({ head_branch: "main", conclusion: "failure" });
      own.addRun({ head_branch: "main", path: ".github/workflows/other.yml", workflow_id: 7 });
      const main = await client.rest.actions.listWorkflowRuns({ ...r, workflow_id: "tune.yml", branch: "main" });
      assert.deepEqual(
        main.data.workflow_runs.map((x) => x.id),
        [newer.id, old.id],
      );
      const ok = await client.rest.actions.listWorkflowRuns({ ...r, workflow_id: 161335, status: "success" });
      assert.deepEqual(
        ok.data.workflow_runs.map((x) => x.id),
        [old.id],
      );

      own.addArtifact(old.id, { name: "study-state" });
      own.addArtifact(old.id, { name: "trial-1-1" });
      const state = await client.rest.actions.listWorkflowRunArtifacts({ ...r, run_id: old.id, name: "study-state" });
      assert.equal(state.data.total_count, 1);
      assert.equal(state.data.artifacts[0]!.workflow_run?.id, old.id);
      own.assertNoViolations();
    } finally {
      await own.close();
    }
  });

  it("cancels a running run (202) and refuses a completed one (409)", async () => {
    const run = server.addRun({ status: "in_progress", conclusion: null });
    server.addJob(run.id, { status: "in_progress", conclusion: null, completed_at: null });
    const res = await octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: run.id });
    assert.equal(res.status, 202);
    assert.deepEqual(server.cancelled, [run.id]);
    assert.equal(run.conclusion, "cancelled");
    assert.equal(server.jobs.get(run.id)![0]!.conclusion, "cancelled");
    // The retry plugin retries a 409 (1 s, 4 s, 9 s): not what this test is about.
    const again = octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: run.id, request: { retries: 0 } });
    assert.equal(await statusOf(again), 409);
    server.assertNoViolations();
  });

  it("answers permission checks with legacy permission and role name", async () => {
    server.collaborators.set("alice", "admin");
    server.collaborators.set("maya", "maintain");
    server.collaborators.set("trish", "triage");
    const check = async (username: string) => {
      const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username });
      return [data.permission, data.role_name, data.user?.permissions?.push];
    };
    assert.deepEqual(await check("alice"), ["admin", "admin", true]);
    assert.deepEqual(await check("maya"), ["write", "maintain", true]);
    assert.deepEqual(await check("trish"), ["read", "triage", false]);
    assert.deepEqual(await check("stranger"), ["read", "read", false], "anyone may read a public repository");
    const priv = await startFakeGitHub({ visibility: "private" });
    try {
      const { data } = await clientFor(priv).rest.repos.getCollaboratorPermissionLevel({
        ...repo,
        username: "stranger",
      });
      assert.equal(data.permission, "none");
      priv.assertNoViolations();
    } finally {
      await priv.close();
    }
    server.assertNoViolations();
  });

  it("serves seeded pull requests, fork or not, and 404 for others", async () => {
    server.addPull({ number: 11, user: "forker", head: { repo: "forker/models", sha: "a".repeat(40), ref: "wide" } });
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: 11 });
    assert.equal(data.head.repo?.full_name, "forker/models");
    assert.equal(data.head.repo?.fork, true);
    assert.equal(data.head.sha, "a".repeat(40));
    assert.equal(data.base.repo.full_name, "octo-org/models");
    assert.equal(await statusOf(octokit.rest.pulls.get({ ...repo, pull_number: 404 })), 404);
    server.assertNoViolations();
  });

  it("rejects a request body that leaves the description with GitHub's 422, and records it", async () => {
    const found = await violationsDuring(async () => {
      const err = await octokit.rest.issues
        .createComment({ ...repo, issue_number: 7, body: 42 as unknown as string })
        .then(() => assert.fail("accepted a numeric body"))
        .catch((e: { status: number; response: { data: { message: string } } }) => e);
      assert.equal(err.status, 422);
      assert.match(err.response.data.message, /For 'properties\/body', 42 is not a string\./);
    });
    assert.deepEqual(found, ["issues/create-comment: request body /body must be string"]);

    const tooMany = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, "v"]));
    const more = await violationsDuring(async () => {
      assert.equal(
        await statusOf(
          octokit.rest.actions.createWorkflowDispatch({
            ...repo,
            workflow_id: "tune.yml",
            ref: "main",
            inputs: tooMany,
          }),
        ),
        422,
      );
      assert.equal(
        await statusOf(
          octokit.rest.actions.createWorkflowDispatch({
            ...repo,
            workflow_id: "tune.yml",
            ref: "main",
            inputs: { n: 3 },
          }),
        ),
        422,
      );
      assert.equal(
        await statusOf(
          octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: 1, content: "party" as "eyes" }),
        ),
        422,
      );
      assert.equal(
        await statusOf(octokit.rest.issues.createComment({ ...repo, issue_number: 7, body: "x".repeat(65_537) })),
        422,
      );
    });
    assert.equal(more.length, 4, more.join("\n"));
    assert.match(
      more[0]!,
      /^actions\/create-workflow-dispatch: request body \/inputs must NOT have more than 25 properties/,
    );
    assert.match(more[1]!, /\/inputs\/n must be a string, got 3 \(GitHub rule/);
    assert.match(more[2]!, /^reactions\/create-for-issue-comment: request body \/content must be equal to one of/);
    assert.match(more[3]!, /\/body is too long \(65537 > 65536 characters\)/);
    assert.equal(server.dispatches.filter((d) => d.inputs.n !== undefined).length, 0, "a refused dispatch is not run");
  });

  it("checks query parameters too", async () => {
    const found = await violationsDuring(async () => {
      const status = await statusOf(
        octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs", {
          ...repo,
          run_id: 1,
          filter: "newest" as "latest",
          perpage: 5,
        }),
      );
      assert.equal(status, 422);
    });
    assert.deepEqual(found.sort(), [
      'actions/list-jobs-for-workflow-run: request query /filter must be equal to one of the allowed values: ["latest","all"]',
      "actions/list-jobs-for-workflow-run: request query /perpage is not allowed",
    ]);
  });

  it("answers an unknown route or repository with 404 and a violation", async () => {
    const found = await violationsDuring(async () => {
      assert.equal(await statusOf(octokit.rest.issues.get({ ...repo, issue_number: 7 })), 404);
      assert.equal(await statusOf(octokit.rest.pulls.get({ owner: "someone", repo: "else", pull_number: 7 })), 404);
    });
    assert.equal(found.length, 2);
    assert.match(found[0]!, /^unexpected call GET \/repos\/octo-org\/models\/issues\/7/);
    assert.match(found[1]!, /^pulls\/get: unexpected repository someone\/else/);
  });

  it("checks its own responses: a seeded record GitHub would never send is a violation", async () => {
    const run = server.addRun();
    server.addJob(run.id, { status: "done" as "completed" });
    const found = await violationsDuring(() =>
      octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: run.id }),
    );
    assert.equal(found.length, 1);
    assert.match(
      found[0]!,
      /^actions\/list-jobs-for-workflow-run: response 200 \/jobs\/0\/status must be equal to one of/,
    );
  });

  it("requires authentication, like GitHub", async () => {
    const res = await fetch(`${server.url}/repos/octo-org/models/pulls/7`);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), {
      message: "Requires authentication",
      documentation_url: "https://docs.github.com/rest",
      status: "401",
    });
    assert.equal(server.requests.at(-1)?.status, 401);
    const strict = await startFakeGitHub({ token: "right" });
    try {
      assert.equal(
        await statusOf(clientFor(strict, { token: "wrong" }).rest.pulls.get({ ...repo, pull_number: 1 })),
        401,
      );
    } finally {
      await strict.close();
    }
  });

  it("injects a 502 that the retry plugin retries", async () => {
    const run = server.addRun();
    server.addJob(run.id);
    server.fail({ method: "GET", path: /\/actions\/runs\/\d+\/jobs$/ }, faults.badGateway());
    const before = server.requests.length;
    // A fresh client: the retry plugin carries a retry count from one request to the next on the same client.
    // Its first retry waits 1 × retryAfterBaseValue; 20 ms instead of 1 s keeps the test fast.
    const res = await clientFor(server, { retryBaseMs: 20 }).rest.actions.listJobsForWorkflowRun({
      ...repo,
      run_id: run.id,
    });
    assert.equal(res.data.total_count, 1);
    assert.deepEqual(
      server.requests.slice(before).map((r) => r.status),
      [502, 200],
    );
    assert.equal(server.pendingFaults(), 0);
    server.assertNoViolations();
  });

  it("injects a secondary rate limit that the throttling plugin waits out (retry-after: 1)", async () => {
    server.fail({ method: "POST", path: /\/issues\/\d+\/comments$/ }, faults.secondaryRateLimit(1));
    const before = server.requests.length;
    const t0 = Date.now();
    const res = await clientFor(server, { log }).rest.issues.createComment({
      ...repo,
      issue_number: 7,
      body: "after the limit",
    });
    assert.equal(res.status, 201);
    assert.ok(Date.now() - t0 >= 900, "the client waited for retry-after");
    assert.deepEqual(
      server.requests.slice(before).map((r) => r.status),
      [403, 201],
    );
    assert.deepEqual(log, ["secondary-rate-limit 1"]);
    assert.equal(server.comments.filter((c) => c.body === "after the limit").length, 1);
    server.assertNoViolations();
  });

  it("keeps failing while a fault is queued for more tries than the client makes", async () => {
    server.fail({ path: /\/pulls\/7$/ }, { status: 500 }, 10);
    const status = await statusOf(octokit.rest.pulls.get({ ...repo, pull_number: 7, request: { retries: 0 } }));
    assert.equal(status, 500);
    assert.equal(server.pendingFaults(), 9);
  });
});

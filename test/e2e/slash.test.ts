/**
 * The `/tune` bot: the bundled Action answering real issue_comment payloads
 * (validated against GitHub's webhook schema) with the loopback GitHub API
 * deciding who is a collaborator. Each safety rule has a test, and so do the
 * comment bodies that must stay inert.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import type { StepResult } from "../helpers/actions-runner.ts";
import { addForkPull, answerComment, postComment } from "../helpers/bot.ts";
import { GitHubPlayer } from "../helpers/github-play.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/github-server.ts";
import { digitsRepo } from "../helpers/repo.ts";
import type { CommentSeed } from "../helpers/webhooks.ts";

const HEAD = "1111111111111111111111111111111111111111";
let gh: FakeGitHub;
let ws: string;
let pr = 100;

/** A comment as GitHub would have it: stored on the server, and delivered as a webhook payload. */
const comment = (body: string, over: Partial<CommentSeed> = {}) =>
  postComment(gh, pr, body, { login: "alice", ...over });
const slash = (event: unknown, workspace = ws): Promise<StepResult> => answerComment(gh, event, workspace);

const reactionsOn = (id: number) => gh.reactions.filter((r) => r.comment_id === id).map((r) => r.content);
const replies = () =>
  gh.comments.filter(
    (c) => c.issue_number === pr && c.user?.login === "github-actions[bot]" && !c.body?.includes("matrix-tune:study="),
  );
const studyComment = () =>
  gh.comments.find((c) => c.issue_number === pr && c.body?.includes("matrix-tune:study=digits"));

before(async () => {
  gh = await startFakeGitHub();
  gh.collaborators.set("alice", "write");
  gh.collaborators.set("olivia", "admin");
  gh.collaborators.set("rita", "read");
  ws = digitsRepo();
});
after(() => gh.close());
beforeEach(() => {
  pr++;
  gh.addPull({ number: pr, user: "alice", head: { sha: HEAD, ref: `feature-${pr}` }, base: { ref: "main" } });
});

describe("/tune starts a study", () => {
  it("for a write collaborator: reacts, pins the head commit, dispatches from the default branch", async () => {
    const ev = comment("/tune");
    const r = await slash(ev);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(reactionsOn(ev.comment.id), ["eyes", "rocket"]);
    assert.deepEqual(gh.dispatches.at(-1), {
      workflow_id: "tune.yml",
      ref: "main",
      inputs: { pr: String(pr), sha: HEAD },
    });
    assert.match(
      studyComment()!.body!,
      /Starting a sobol study of 6 trials \(3 per round\) on 1111111, as asked by @alice/,
    );
    const perm = gh.requests.find((q) => q.path.endsWith("/collaborators/alice/permission"));
    assert.ok(perm, "the permission is asked of the API");
    gh.assertNoViolations();
  });

  it("for the owner, with overrides validated and passed as JSON", async () => {
    const ev = comment("/tune strategy=random max-trials=9 parallel=3 seed=4\nthanks!", {
      login: "olivia",
      association: "OWNER",
    });
    const r = await slash(ev);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(gh.dispatches.at(-1)!.inputs, {
      pr: String(pr),
      sha: HEAD,
      overrides: JSON.stringify({ strategy: "random", max_trials: 9, parallel: 3, seed: 4 }),
    });
    assert.match(studyComment()!.body!, /Starting a random study of 9 trials/);
  });

  it("answers a second /tune with the status instead of starting another, and restarts on /tune restart", async () => {
    await slash(comment("/tune"));
    const dispatches = gh.dispatches.length;
    gh.addRun({
      name: "tune",
      display_title: `tune PR #${pr}`,
      status: "in_progress",
      path: ".github/workflows/tune.yml",
    });
    await slash(comment("/tune"));
    assert.equal(gh.dispatches.length, dispatches, "no second study");
    assert.match(replies().at(-1)!.body!, /is running.*One study runs per pull request: `\/tune restart`/s);
    const status = await slash(comment("/tune status"));
    assert.equal(status.code, 0);
    assert.match(replies().at(-1)!.body!, /@alice the study on 1111111, started by @alice, is running/);
    await slash(comment("/tune restart"));
    assert.equal(gh.dispatches.length, dispatches + 1);
    assert.equal(gh.cancelled.length, 1, "the running study's run is cancelled");
  });
});

describe("/tune refuses or ignores", () => {
  it("a read-only user gets a polite refusal and nothing runs", async () => {
    const ev = comment("/tune", { login: "rita", association: "CONTRIBUTOR" });
    const before = gh.dispatches.length;
    const r = await slash(ev);
    assert.equal(r.code, 0);
    assert.equal(gh.dispatches.length, before);
    assert.deepEqual(reactionsOn(ev.comment.id), ["confused"]);
    assert.match(
      replies().at(-1)!.body!,
      /Sorry @rita, using matrix-tune here needs at least \*\*triage\*\* permission on this repository \(yours is read\)/,
    );
  });

  it("author_association alone is not trusted: an OWNER association without permission is refused", async () => {
    const r = await slash(comment("/tune", { login: "mallory", association: "OWNER" }));
    assert.equal(r.code, 0);
    assert.match(replies().at(-1)!.body!, /Sorry @mallory.*yours is read/);
  });

  it("a pull request from a fork is refused, saying how to allow it; allowed by the default branch's config", async () => {
    addForkPull(gh, ++pr, HEAD);
    const before = gh.dispatches.length;
    await slash(comment("/tune"));
    assert.equal(gh.dispatches.length, before);
    assert.match(replies().at(-1)!.body!, /comes from the fork \*\*eve\/models\*\*.*`bot: \{ allow_forks: true \}`/s);
    await slash(comment(`/tune sha=${HEAD.slice(0, 7)}`), digitsRepo("", "bot: {allow_forks: true}\n"));
    assert.equal(gh.dispatches.length, before + 1);
  });

  for (const [what, over] of [
    ["a bot's comment (even its own)", { login: "github-actions[bot]", userType: "Bot" as const }],
    ["an edited comment", { action: "edited" as const }],
    ["a comment on an issue that is not a pull request", { pullRequest: false }],
  ] as const) {
    it(`ignores ${what} without a single API call`, async () => {
      const calls = gh.requests.length;
      const r = await slash(comment("/tune", over));
      assert.equal(r.code, 0);
      assert.equal(gh.requests.length, calls);
    });
  }

  for (const body of ["> /tune", "```\n/tune\n```", "Should we /tune this?", "/tuned it already", "/TUNE"]) {
    it(`does nothing for ${JSON.stringify(body)}`, async () => {
      const calls = gh.requests.length;
      await slash(comment(body));
      assert.equal(gh.requests.length, calls);
    });
  }
});

describe("comment text stays inert", () => {
  const hostile = [
    "/tune seed=1;touch${IFS}PWNED",
    "/tune config=$(touch PWNED).yml",
    "/tune strategy=`touch PWNED`",
    "/tune ${{ secrets.GITHUB_TOKEN }}",
    "/tune strategy=${{github.token}}",
    `/tune parallel=${"9".repeat(5000)}`,
    "/tune strategy=ランダム 🎲",
    "/tune config=../../etc/passwd.yml",
  ];
  for (const body of hostile) {
    it(`${JSON.stringify(body.slice(0, 40))} is refused with a safe reply and runs nothing`, async () => {
      const ev = comment(body);
      const before = gh.dispatches.length;
      const r = await slash(ev);
      assert.equal(r.code, 0, r.stdout);
      assert.equal(gh.dispatches.length, before);
      assert.deepEqual(reactionsOn(ev.comment.id), ["eyes", "confused"]);
      const reply = replies().at(-1)!.body!;
      assert.ok(reply.length < 4000, "the reply does not echo long text");
      assert.ok(!reply.includes("${{"), "no expression syntax is echoed back");
      assert.match(reply, /\/tune help|settings:|must be/);
      assert.equal(existsSync(join(ws, "PWNED")), false);
    });
  }

  it("/tune help lists the commands and settings", async () => {
    await slash(comment("/tune help"));
    const reply = replies().at(-1)!.body!;
    for (const c of ["/tune status", "/tune stop", "/tune restart", "max-trials", "compare"])
      assert.ok(reply.includes(c), c);
  });
});

describe("a study started by /tune", () => {
  it("runs on the pinned commit, stops on /tune stop after the round, and says when the PR moved on", async () => {
    const repo = digitsRepo(", max_rounds: 5", "");
    const play = new GitHubPlayer(gh, repo);
    const ev = comment("/tune parallel=2");
    await slash(ev, repo);
    const start = gh.dispatches.at(-1)!;
    const inputs = start.inputs as Record<string, string>;
    const round1 = await play.run({ inputs, event: { inputs } });
    assert.equal(round1.report!.code, 0, round1.report!.stdout);
    const matrix = JSON.parse(round1.plan.outputs.matrix!).include as { ref?: string }[];
    assert.equal(matrix.filter((p) => !p.ref).length, 2, "the override reached the plan");
    // main has no study: the defaults run on the pull request's base commit beside them.
    assert.equal(matrix.filter((p) => p.ref).length, 1);
    const next = gh.dispatches.at(-1)!.inputs as Record<string, string>;
    assert.equal(next.sha, HEAD);
    assert.equal(next.overrides, JSON.stringify({ parallel: 2 }));

    await slash(comment("/tune stop"), repo);
    assert.match(replies().at(-1)!.body!, /will stop after its current round/);
    gh.pulls.get(pr)!.head.sha = "2222222222222222222222222222222222222222";
    const dispatches = gh.dispatches.length;
    const round2 = await play.run({ inputs: next, event: { inputs: next } });
    assert.equal(round2.report!.outputs.done, "true");
    assert.equal(gh.dispatches.length, dispatches, "no round after a stop");
    const body = studyComment()!.body!;
    assert.match(body, /Stopped: stopped with \/tune stop by @alice/);
    assert.match(body, /new commits since this study started: it tunes 1111111, the head is now 2222222/);
    await slash(comment("/tune status"), repo);
    assert.match(replies().at(-1)!.body!, /has finished/);
    gh.assertNoViolations();
  });
});

/**
 * The bot against a hostile pull request, as a security reviewer would try it:
 * the bundled Action answering webhook payloads GitHub could send, with the
 * loopback GitHub checking every request and response against GitHub's
 * published description. One block per finding of the security review
 * (SECURITY.md lists them with these tests).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { botStateLine } from "../../src/bot/status.ts";
import type { StepResult } from "../helpers/actions-runner.ts";
import { addForkPull, answerComment, postComment } from "../helpers/bot.ts";
import { DEFAULT_BRANCH, GitHubPlayer } from "../helpers/github-play.ts";
import { type FakeGitHub, type Permission, startFakeGitHub } from "../helpers/github-server.ts";
import { digitsRepo } from "../helpers/repo.ts";
import type { CommentSeed } from "../helpers/webhooks.ts";

const HEAD = "3333333333333333333333333333333333333333";
const BOT = "github-actions[bot]";
let gh: FakeGitHub;
let ws: string;
let pr = 500;

const comment = (body: string, over: Partial<CommentSeed> = {}) =>
  postComment(gh, pr, body, { login: "walt", ...over });
const slash = (event: unknown, workspace = ws, inputs: Record<string, string> = {}): Promise<StepResult> =>
  answerComment(gh, event, workspace, inputs);

const reactionsOn = (id: number) => gh.reactions.filter((r) => r.comment_id === id).map((r) => r.content);
const botComments = () => gh.comments.filter((c) => c.issue_number === pr && c.user?.login === BOT);
const replies = () => botComments().filter((c) => !c.body?.includes("matrix-tune:study="));
const calls = (suffix: string) => gh.requests.filter((q) => q.path.endsWith(suffix)).length;

before(async () => {
  gh = await startFakeGitHub();
  for (const [login, role] of [
    ["walt", "write"],
    ["tina", "triage"],
    ["mona", "maintain"],
    ["ada", "admin"],
    ["rita", "read"],
  ] as const)
    gh.collaborators.set(login, role);
  ws = digitsRepo();
});
after(() => gh.close());
beforeEach(() => {
  pr++;
  gh.addPull({ number: pr, user: "walt", head: { sha: HEAD, ref: `feature-${pr}` }, base: { ref: "main" } });
});

describe("finding 2: the permission comes from role_name, so triage and maintain mean what they say", () => {
  const cases: [needed: Permission, login: string, role: Permission, starts: boolean][] = [
    ["triage", "tina", "triage", true],
    ["triage", "rita", "read", false],
    ["write", "tina", "triage", false],
    ["write", "walt", "write", true],
    ["maintain", "walt", "write", false],
    ["maintain", "mona", "maintain", true],
    ["admin", "mona", "maintain", false],
    ["admin", "ada", "admin", true],
  ];
  for (const [needed, login, role, starts] of cases)
    it(`bot.permission: ${needed} ${starts ? "lets" : "refuses"} a ${role} collaborator`, async () => {
      const repo = digitsRepo("", `bot: {permission: ${needed}}\n`);
      const before = gh.dispatches.length;
      const ev = comment("/tune", { login });
      const r = await slash(ev, repo);
      assert.equal(r.code, 0, r.stdout);
      assert.equal(gh.dispatches.length, before + (starts ? 1 : 0));
      if (!starts) {
        assert.equal(reactionsOn(ev.comment.id).at(-1), "confused");
        assert.match(
          replies().at(-1)!.body!,
          new RegExp(`needs (at least )?\\*\\*\\w+\\*\\* permission.*yours is ${role}`),
        );
      }
      gh.assertNoViolations();
    });
});

describe("finding 3: only the bot's own comment holds the study's state", () => {
  const planted = (status: "running" | "stopping") =>
    `<!-- matrix-tune:study=digits -->\n${botStateLine({ v: 1, status, sha: "abcdef1", requestedBy: "mallory", overrides: {} })}\nmine now`;

  it("a marker planted before any study is ignored: /tune starts one in the bot's own comment and never edits the plant", async () => {
    const plant = gh.addComment({ issue_number: pr, body: planted("running"), user: "mallory" });
    const before = gh.dispatches.length;
    const status = await slash(comment("/tune status"));
    assert.equal(status.code, 0, status.stdout);
    assert.match(replies().at(-1)!.body!, /no study has run on this pull request yet/);
    const r = await slash(comment("/tune"));
    assert.equal(r.code, 0, r.stdout);
    assert.equal(gh.dispatches.length, before + 1, "the study starts");
    const mine = botComments().find((c) => c.body?.includes("matrix-tune:study=digits"));
    assert.ok(mine, "the bot wrote a study comment of its own");
    assert.match(mine.body!, /as asked by @walt/);
    assert.equal(gh.comments.find((c) => c.id === plant.id)!.body, planted("running"), "the plant is untouched");
    assert.equal(calls(`/issues/comments/${plant.id}`), 0, "no request ever touched the planted comment");
    gh.assertNoViolations();
  });

  it("a marker planted during a study cannot stop it, and /tune restart edits only the bot's comment", async () => {
    const repo = digitsRepo(", max_rounds: 5", "");
    const play = new GitHubPlayer(gh, repo);
    await slash(comment("/tune parallel=2"), repo);
    const inputs = gh.dispatches.at(-1)!.inputs as Record<string, string>;
    const plant = gh.addComment({ issue_number: pr, body: planted("stopping"), user: "mallory" });
    const dispatches = gh.dispatches.length;
    const round1 = await play.run({ inputs, event: { inputs } });
    assert.equal(round1.report!.code, 0, round1.report!.stdout);
    assert.equal(round1.report!.outputs.done, "false", "the planted 'stopping' did not stop the study");
    assert.equal(gh.dispatches.length, dispatches + 1, "the next round was dispatched");
    await slash(comment("/tune restart"), repo);
    assert.equal(gh.comments.find((c) => c.id === plant.id)!.body, planted("stopping"));
    assert.equal(calls(`/issues/comments/${plant.id}`), 0);
    assert.equal(botComments().filter((c) => c.body?.includes("matrix-tune:study=digits")).length, 1);
    gh.assertNoViolations();
  });

  it("a token that comments as another login than bot-login is a clear error, not a new comment every round", async () => {
    const ev = comment("/tune");
    const r = await slash(ev, ws, { "bot-login": "tuning-app[bot]" });
    assert.notEqual(r.code, 0);
    assert.match(
      r.stdout,
      /the token comments as github-actions\[bot\].*set the input bot-login to github-actions\[bot\]/,
    );
    assert.equal(reactionsOn(ev.comment.id).at(-1), "confused", "the asker is told, too");
  });
});

describe("finding 4: the gates come before any other work", () => {
  it("a read user's commands read no file: with no config in the repository they are refused for permission alone", async () => {
    const empty = mkdtempSync(join(tmpdir(), "mt-empty-"));
    for (const body of ["/tune config=missing.yml", "/tune help", "/tune paralel=3"]) {
      const ev = comment(body, { login: "rita" });
      const r = await slash(ev, empty);
      assert.equal(r.code, 0, r.stdout);
      assert.deepEqual(reactionsOn(ev.comment.id), ["confused"], body);
      assert.doesNotMatch(r.stdout, /cannot read the config|ENOENT/);
    }
    assert.equal(replies().length, 1, "one short reply per pull request, however often they ask");
    assert.match(replies()[0]!.body!, /Sorry @rita/);
    assert.doesNotMatch(replies()[0]!.body!, /\/tune status/, "no help text for someone who may not use it");
    rmSync(empty, { recursive: true });
  });

  it("the permission is the first thing asked of the API", async () => {
    const first = gh.requests.length;
    await slash(comment("/tune", { login: "rita" }));
    assert.match(gh.requests[first]!.path, /\/collaborators\/rita\/permission$/);
  });

  it("a writer's config=<missing file> gets a reply naming the file, and the step stays green", async () => {
    const ev = comment("/tune config=models/missing.yml");
    const before = gh.dispatches.length;
    const r = await slash(ev);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(gh.dispatches.length, before);
    assert.deepEqual(reactionsOn(ev.comment.id), ["eyes", "confused"]);
    assert.match(
      replies().at(-1)!.body!,
      /the tuning config cannot be used:[\s\S]*models\/missing\.yml: cannot read the config/,
    );
    assert.match(replies().at(-1)!.body!, /Nothing was started/);
  });

  it("a broken default-branch config is answered too, with file and line", async () => {
    const broken = digitsRepo("", "bot: {permission: owner}\n");
    const r = await slash(comment("/tune"), broken);
    assert.equal(r.code, 0, r.stdout);
    assert.match(replies().at(-1)!.body!, /tune\.yml:\d+:\d+: bot\.permission/);
  });
});

describe("finding 5: the commit that runs is the commit that was reviewed", () => {
  const forkRepo = () => digitsRepo("", "bot: {allow_forks: true}\n");
  const forkPull = () => addForkPull(gh, ++pr, HEAD);

  it("a fork's /tune without sha= names the head and asks for it; with the head's sha it starts on that commit", async () => {
    forkPull();
    const repo = forkRepo();
    const before = gh.dispatches.length;
    const bare = comment("/tune");
    await slash(bare, repo);
    assert.equal(gh.dispatches.length, before);
    assert.deepEqual(reactionsOn(bare.comment.id), ["eyes", "confused"]);
    assert.match(replies().at(-1)!.body!, /comes from a fork.*The head is now \*\*3333333\*\*.*`\/tune sha=3333333`/s);
    await slash(comment("/tune sha=3333333"), repo);
    assert.equal(gh.dispatches.length, before + 1);
    assert.equal((gh.dispatches.at(-1)!.inputs as Record<string, string>).sha, HEAD);
    gh.assertNoViolations();
  });

  it("a sha= that is not the head (pushed after the review) is refused, for forks and same-repository pull requests", async () => {
    for (const fork of [true, false]) {
      if (fork) forkPull();
      const before = gh.dispatches.length;
      await slash(comment("/tune sha=4444444"), forkRepo());
      assert.equal(gh.dispatches.length, before);
      assert.match(
        replies().at(-1)!.body!,
        /`sha=4444444` is not this pull request's head: the head is now \*\*3333333\*\*/,
      );
      pr++;
      gh.addPull({ number: pr, user: "walt", head: { sha: HEAD, ref: `feature-${pr}` }, base: { ref: "main" } });
    }
  });

  it("sha= must look like a commit", async () => {
    await slash(comment("/tune sha=HEAD~1"));
    assert.match(replies().at(-1)!.body!, /`sha` must be a commit id of 7 to 40 hex digits/);
  });
});

describe("finding 6: a fork cannot choose the runners, the environment or the budget", () => {
  /** The default branch allows forks, on its GPU runners, with six trials three at a time. */
  const defaultBranch = () => digitsRepo("", "bot: {allow_forks: true}\nenv: {SAFE: '1'}\ntimeout: 10m\n");
  /** A head whose config asks for another runner, more trials, its own variables and a different search. */
  function headAsking(runsOn: string, budget = "max_trials: 500, parallel: 50"): string {
    const dir = digitsRepo(
      "",
      "bot: {allow_forks: true, permission: triage}\nenv: {AWS_PROFILE: prod}\ntimeout: 90h\n",
    );
    const file = join(dir, "tune.yml");
    writeFileSync(
      file,
      readFileSync(file, "utf8")
        .replace("runs_on: [self-hosted, gpu]", `runs_on: ${runsOn}`)
        .replace("strategy: sobol", "strategy: random")
        .replace("max_trials: 6, parallel: 3", budget),
    );
    return dir;
  }
  const pullEvent = (headRepo: string) => ({
    action: "opened",
    number: pr,
    pull_request: { number: pr, head: { ref: "patch", repo: { full_name: headRepo } }, base: { ref: "main" } },
  });

  it("runs_on, env, timeout, budget and bot come from the default branch; the search from the pull request", async () => {
    addForkPull(gh, ++pr, HEAD);
    const play = new GitHubPlayer(gh, headAsking("[self-hosted, deploy-box]"));
    play.addCommit(DEFAULT_BRANCH, defaultBranch());
    await slash(comment(`/tune sha=${HEAD.slice(0, 7)}`), defaultBranch());
    const inputs = gh.dispatches.at(-1)!.inputs as Record<string, string>;
    const round = await play.run({ inputs, event: { inputs } });
    assert.equal(round.plan.outputs.fork, "true");
    assert.deepEqual(JSON.parse(round.plan.outputs.runner!), ["self-hosted", "gpu"], "the default branch's runners");
    const matrix = JSON.parse(round.plan.outputs.matrix!).include as { ref?: string }[];
    assert.equal(matrix.filter((e) => !e.ref).length, 3, "the default branch's parallel, not the fork's 50");
    const trusted =
      /comes from a fork, so runs_on, trials_per_job, env, timeout, budget, repeats, folds and bot are the default branch's \(\.matrix-tune\/trusted\/tune\.yml\)/;
    assert.match(round.plan.stdout, trusted);
    assert.equal(round.report!.code, 0, round.report!.stdout);
    const state = play.state(round.runId) as unknown as { config: { strategy: string; timeout: number; env: object } };
    assert.equal(state.config.strategy, "random", "the fork's search strategy is kept");
    assert.equal(state.config.timeout, 600, "the default branch's timeout");
    assert.deepEqual(state.config.env, { SAFE: "1" }, "the default branch's env");
    const body = gh.comments.find((c) => c.issue_number === pr && c.body?.includes("matrix-tune:study="))!.body!;
    assert.match(body, trusted);
    gh.assertNoViolations();
  });

  it("the reusable workflow refuses to plan a fork's pull_request event unless the default branch allows forks", async () => {
    pr++;
    const head = headAsking("[self-hosted, deploy-box]");
    const refused = new GitHubPlayer(gh, head);
    refused.addCommit(DEFAULT_BRANCH, digitsRepo());
    await assert.rejects(
      refused.run({ inputs: {}, event: pullEvent("eve/models") }),
      /refusing to plan: this pull request comes from a fork, and the default branch's \.matrix-tune\/trusted\/tune\.yml does not allow forks' code/,
    );
    assert.equal(refused.runs.length, 0, "no trial job was started");
    const allowed = new GitHubPlayer(gh, head);
    allowed.addCommit(DEFAULT_BRANCH, defaultBranch());
    const run = await allowed.run({ inputs: {}, event: pullEvent("eve/models") });
    assert.equal(run.plan.outputs.fork, "true");
    assert.deepEqual(JSON.parse(run.plan.outputs.runner!), ["self-hosted", "gpu"]);
  });

  it("a same-repository pull request keeps its own settings", async () => {
    const play = new GitHubPlayer(gh, headAsking("[self-hosted, big-gpu]", "max_trials: 2, parallel: 2"));
    play.addCommit(DEFAULT_BRANCH, digitsRepo());
    const run = await play.run({ inputs: {}, event: pullEvent(`${gh.owner}/${gh.repo}`) });
    assert.equal(run.plan.outputs.fork, "false");
    assert.deepEqual(JSON.parse(run.plan.outputs.runner!), ["self-hosted", "big-gpu"]);
  });
});

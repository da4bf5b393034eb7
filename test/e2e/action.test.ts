/**
 * The Action end to end, as GitHub would run it: the bundled dist/action.js
 * for every step, the real digits trainer for every trial, artifacts moved as
 * the artifact actions move them, and a loopback GitHub API that checks each
 * call against GitHub's OpenAPI description. Faults are injected the way they
 * happen on real runners.
 */
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runStep } from "../helpers/actions-runner.ts";
import { GitHubPlayer, pullRequestEvent } from "../helpers/github-play.ts";
import { type FakeGitHub, faults, startFakeGitHub } from "../helpers/github-server.ts";
import { digitsRepo } from "../helpers/repo.ts";

const PR = 7;

const prEvent = pullRequestEvent(PR);

describe("the Action, round after round", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  it("plans, runs every trial, reports, dispatches, and ends with one comment and the winner", async () => {
    gh.addPull({
      number: PR,
      head: { ref: "feature/better-model" },
      base: { ref: "main" },
    });
    // No comparison: without a study on main it would add a reference run (test/e2e/action-reference.test.ts).
    const play = new GitHubPlayer(gh, digitsRepo("", "compare: off\n"));
    const last = await play.untilDone({ inputs: {}, event: prEvent });
    assert.equal(play.runs.length, 2, "two rounds of three");

    const first = play.runs[0]!;
    assert.equal(first.plan.outputs.runner, '["self-hosted","gpu"]');
    const matrix = JSON.parse(first.plan.outputs.matrix!);
    assert.equal(matrix.include.length, 3);
    assert.deepEqual(matrix.include[0].params, { lr: 0.01, momentum: 0, nodes: 32 });
    assert.equal(gh.dispatches.length, 1);
    assert.deepEqual(gh.dispatches[0], {
      workflow_id: "tune.yml",
      ref: "feature/better-model",
      inputs: { "state-run-id": String(first.runId), pr: String(PR) },
    });

    const report = last.report!;
    assert.equal(report.code, 0, report.stdout);
    assert.equal(report.outputs.done, "true");
    const state = play.state(last.runId);
    assert.equal(state.trials.length, 6);
    assert.ok(state.trials.every((t) => t.status === "succeeded" && t.attempts.length === 1));
    assert.ok(
      state.trials.every((t) => t.attempts[0]!.jobUrl?.includes(`/job/`)),
      "each trial links its job",
    );
    const best = state.trials.reduce((a, b) =>
      (a.attempts[0] as { value?: number }).value! >= (b.attempts[0] as { value?: number }).value! ? a : b,
    );
    assert.deepEqual(JSON.parse(report.outputs["best-params"]!), best.params);

    const mine = gh.comments.filter((c) => c.body?.includes("<!-- matrix-tune:study=digits -->"));
    assert.equal(mine.length, 1, "one comment, updated in place");
    const body = mine[0]!.body!;
    assert.match(body, /6 trials in 2 rounds, 6 succeeded/);
    assert.match(body, /Stopped: all 6 trials ran/);
    assert.match(body, /```mermaid\nxychart-beta/);
    // The report page travels in the state artifact, and the comment says where.
    assert.match(
      body,
      /`report\.html` in this run's \[state artifact\]\(https:\/\/github\.com\/.*\/runs\/\d+#artifacts\)/,
    );
    const page = readFileSync(join(play.store, String(last.runId), "matrix-tune-state", "report.html"), "utf8");
    assert.match(page, /<title>digits · matrix-tune<\/title>/);
    assert.match(body, /\| \d+ +\| \[\d\]\(https:\/\/github\.com\/.*\/job\/\d+\)/);
    assert.equal(
      report.summary.trim(),
      body
        .replace(/^<!--.*-->\n/, "")
        .trim()
        .replace(/\n$/, ""),
      "the job summary is the same report",
    );

    // REST calls per round: this run's jobs (one page), the comments (one page), the comment,
    // and the dispatch — however many trials the round has; a dispatched round's plan also
    // reads the pull request. (The base branch's lookup is counted in action-reference.test.ts.)
    const perRun = play.runs.map((r) => gh.requests.filter((q) => q.path.includes(`/runs/${r.runId}/`)).length);
    assert.deepEqual(perRun, [1, 1]);
    assert.deepEqual(
      gh.requests.map((q) => q.operation),
      [
        // Round 1 looks for a study on main to start from (compare: off leaves out only the comparison).
        "actions/list-workflow-runs",
        "actions/list-jobs-for-workflow-run",
        "issues/list-comments",
        "issues/create-comment",
        "actions/create-workflow-dispatch",
        // The dispatched round's plan asks whether the pull request comes from a fork.
        "pulls/get",
        "actions/list-jobs-for-workflow-run",
        "issues/list-comments",
        "issues/update-comment",
      ],
    );
    gh.assertNoViolations();
  });
});

describe("the comparison with the base branch", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  it("finds the base branch's latest study and compares the best trials, calling one run each unverified", async () => {
    const repo = digitsRepo();
    const onMain = new GitHubPlayer(gh, repo, "tune.yml", "main");
    const mainStudy = await onMain.untilDone({ inputs: {}, event: { ref: "refs/heads/main" } });
    onMain.publish(mainStudy.runId, "main");

    // From scratch: started from main's study, round 1 would re-run main's best (action-warm-start.test.ts).
    const play = new GitHubPlayer(gh, digitsRepo("", "seed: 3\nwarm_start: off\n"));
    const first = await play.run({
      inputs: {},
      event: { ...prEvent, number: 21, pull_request: { ...prEvent.pull_request, number: 21 } },
    });
    assert.equal(first.plan.outputs["baseline-run-id"], String(mainStudy.runId));
    const body = gh.comments.find((c) => c.issue_number === 21)!.body!;
    assert.match(body, /### Compared with main\n/, body);
    assert.match(body, /\| this pull request +\| +0\.\d+ \(single run\)/);
    assert.match(body, /\*\*Verdict: unverified\*\*/);
    assert.match(body, /repeats: 5/);
    assert.match(body, /\*\*Parameters that differ\*\*/);
    gh.assertNoViolations();
  });
});

describe("the trial job's steps", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());
  const entry = (params: Record<string, number>) => ({
    v: 1 as const,
    study: "digits",
    round: 1,
    trial: 4,
    attempt: 2,
    id: "4-2",
    params,
  });

  it("a failing trial still leaves its result for the upload, and the job fails visibly", async () => {
    const repo = digitsRepo();
    writeFileSync(
      join(repo, "model/train.mjs"),
      'console.error("error: --lr made the loss diverge"); process.exit(2);\n',
    );
    const play = new GitHubPlayer(gh, repo);
    const job = await play.trialJob(9100, entry({ lr: 0.5, momentum: 0, nodes: 16 }), undefined, {
      inputs: {},
      event: {},
    });
    assert.notEqual(job.result!.code, 0);
    assert.match(
      job.result!.stdout,
      /::error::trial 4 \(attempt 2\) failed: exited with code 2: error: --lr made the loss diverge \(the result is saved\)/,
    );
    assert.deepEqual(play.artifactNames(9100), ["matrix-tune-result-4-2"]);
    const saved = JSON.parse(readFileSync(join(play.store, "9100/matrix-tune-result-4-2/result-4-2.json"), "utf8"));
    assert.equal(saved.status, "failed");
    assert.equal(saved.exitCode, 2);
    assert.equal(saved.attempt, 2);
    assert.equal(saved.runId, 9100);
  });

  it("prepare refuses a payload that is not a trial, or does not fit the config's space, in one line", async () => {
    const notTrial = await runStep({
      workspace: digitsRepo(),
      inputs: { command: "prepare", payload: '{"trial": "x"}' },
    });
    assert.equal(notTrial.code, 1);
    assert.match(
      notTrial.stdout,
      /::error::the payload input is not a matrix-tune trial \(v: .*\); pass \$\{\{ toJSON\(matrix\) \}\}/,
    );
    const outside = await runStep({
      workspace: digitsRepo(),
      inputs: { command: "prepare", payload: JSON.stringify(entry({ lr: 20, momentum: 0, nodes: 16 })) },
    });
    assert.equal(outside.code, 1);
    assert.match(
      outside.stdout,
      /::error::the payload does not fit the config: parameter "lr" is 20: outside \[0\.01, 0\.5\]\n/,
    );
    assert.equal(outside.outputs.spec, undefined);
  });

  it("command: trial is refused with the three steps that replace it", async () => {
    const r = await runStep({ workspace: digitsRepo(), inputs: { command: "trial", payload: "{}" } });
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /::error::command: trial is gone: .*command: prepare.*trial --spec.*command: collect.*#or-wire-the-three-steps-into-your-own-jobs/,
    );
  });
});

describe("the collect step", () => {
  const payload = JSON.stringify({ v: 1, study: "digits", round: 1, trial: 4, attempt: 2, id: "4-2", params: {} });
  const result = (over: Record<string, unknown> = {}) =>
    JSON.stringify({
      version: 1,
      study: "digits",
      status: "succeeded",
      value: 0.9,
      trialId: 4,
      attempt: 2,
      durationMs: 1200,
      exitCode: 0,
      signal: null,
      metrics: { val_accuracy: 0.9 },
      logTail: "epoch=4 val_accuracy=0.9\n",
      ...over,
    });
  /** A workspace whose results directory holds these files, and a checkpoint directory beside it. */
  function workspace(files: Record<string, string>): { ws: string; results: string; checkpoint: string } {
    const ws = mkdtempSync(join(tmpdir(), "mt-collect-"));
    const results = join(ws, ".matrix-tune/results");
    const checkpoint = join(ws, "checkpoint");
    mkdirSync(results, { recursive: true });
    mkdirSync(checkpoint);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(results, name)), { recursive: true });
      writeFileSync(join(results, name), text);
    }
    return { ws, results, checkpoint };
  }
  const collect = (ws: string, checkpoint: string) =>
    runStep({
      workspace: ws,
      inputs: { command: "collect", payload, "checkpoint-dir": checkpoint },
      env: { GITHUB_RUN_ID: "7001" },
    });

  it("keeps only this run's result, removing what the trial planted beside it and links in the checkpoint", async () => {
    const { ws, results, checkpoint } = workspace({
      "result-4-2.json": result(),
      "result-5-1.json": result({ trialId: 5, attempt: 1 }),
      "notes.txt": "hello",
      "nested/result-4-2.json": result({ value: 1 }),
    });
    writeFileSync(join(checkpoint, "model.pt"), "weights");
    symlinkSync("/proc/self/environ", join(checkpoint, "environ"));
    const r = await collect(ws, checkpoint);
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(readdirSync(results), ["result-4-2.json"]);
    assert.deepEqual(readdirSync(checkpoint), ["model.pt"]);
    for (const planted of ["result-5-1.json", "notes.txt", "nested"])
      assert.ok(
        r.annotations.some((a) => a.startsWith("::warning::removed ") && a.includes(join(results, planted))),
        planted,
      );
    assert.ok(r.annotations.some((a) => a.includes(`removed ${join(checkpoint, "environ")}`)));
    assert.deepEqual(
      { status: r.outputs.status, value: r.outputs.value, file: r.outputs["result-file"] },
      { status: "succeeded", value: "0.9", file: join(results, "result-4-2.json") },
    );
    assert.match(r.stdout, /log tail:\nepoch=4 val_accuracy=0\.9\n/);
  });

  it("cleans the checkpoint even when the trial left its results directory a file, and only then says checked", async () => {
    const { ws, results, checkpoint } = workspace({});
    rmSync(results, { recursive: true });
    writeFileSync(results, "not a directory");
    mkdirSync(join(checkpoint, "deep", "er"), { recursive: true });
    symlinkSync("/proc/self/environ", join(checkpoint, "deep", "er", "environ"));
    const r = await collect(ws, checkpoint);
    assert.equal(r.code, 1, "no result file: the step fails");
    assert.equal(r.outputs.checked, "true");
    assert.equal(existsSync(results), false);
    assert.deepEqual(readdirSync(join(checkpoint, "deep", "er")), []);
    assert.ok(r.annotations.some((a) => a.includes(`removed ${results}: the results directory was a link or a file`)));

    const linked = workspace({});
    rmSync(linked.results, { recursive: true });
    symlinkSync(tmpdir(), linked.results);
    const r2 = await collect(linked.ws, linked.checkpoint);
    assert.equal(r2.outputs.checked, "true");
    assert.equal(existsSync(linked.results), false, "the link is gone");
    assert.ok(existsSync(tmpdir()), "and not what it pointed to");
  });

  it("prints the trial's log tail with workflow commands off", async () => {
    const logTail = "epoch=1\n::error::planted by the trial\n::set-output name=status::succeeded\n";
    const { ws, checkpoint } = workspace({ "result-4-2.json": result({ logTail }) });
    const r = await collect(ws, checkpoint);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /::error::planted by the trial/, "the text is shown");
    assert.ok(!r.annotations.some((a) => a.includes("planted")), r.annotations.join("\n"));
  });

  it("says itself which run, runner and job the result came from, whatever the file claims", async () => {
    const forged = { runId: 1, runner: "elsewhere", jobUrl: "https://example.com/phish" };
    const { ws, results, checkpoint } = workspace({ "result-4-2.json": result(forged) });
    const r = await collect(ws, checkpoint);
    assert.equal(r.code, 0, r.stdout);
    const kept = JSON.parse(readFileSync(join(results, "result-4-2.json"), "utf8"));
    assert.equal(kept.jobUrl, undefined);
    assert.equal(kept.runner, "gpu-runner-1");
    assert.equal(kept.runId, 7001);
  });

  it("refuses, and deletes, a result of another trial, an oversized one, and fails without one", async () => {
    const other = workspace({ "result-4-2.json": result({ trialId: 5 }) });
    const r1 = await collect(other.ws, other.checkpoint);
    assert.equal(r1.code, 1);
    assert.match(
      r1.stdout,
      /::error::.*result-4-2\.json is refused and deleted: it holds the result of trial 5 \(attempt 2\), not of trial 4 \(attempt 2\)/,
    );
    assert.deepEqual(readdirSync(other.results), []);

    const big = workspace({ "result-4-2.json": result({ logTail: "x".repeat(1 << 20) }) });
    const r2 = await collect(big.ws, big.checkpoint);
    assert.equal(r2.code, 1);
    assert.match(r2.stdout, /is refused and deleted: it is \d+ bytes, over the 1048576 a result may have/);
    assert.deepEqual(readdirSync(big.results), []);

    const none = workspace({ "result-4-1.json": result({ attempt: 1 }) });
    const r3 = await collect(none.ws, none.checkpoint);
    assert.equal(r3.code, 1);
    assert.match(
      r3.stdout,
      /::error::trial 4 \(attempt 2\) left no result file .*: the step that runs the trial ended without writing one/,
    );
    assert.match(r3.stdout, /::warning::removed .*result-4-1\.json/);
  });
});

describe("a config error in a step", () => {
  it("an invalid config is annotated at its file and line", async () => {
    const ws = digitsRepo();
    writeFileSync(
      join(ws, "tune.yml"),
      "name: x\ncommand: [x]\nobjective: {metric: m, goal: minimise}\nparameters:\n  a: {type: float, min: 1, max: 0}\n",
    );
    const r = await runStep({ workspace: ws, inputs: { command: "plan" } });
    assert.equal(r.code, 1);
    assert.ok(
      r.annotations.some((a) =>
        /^::error title=matrix-tune config,file=tune\.yml,line=3,col=\d+::objective\.goal/.test(a),
      ),
      r.annotations.join("\n"),
    );
  });

  it("an input set empty is refused by name, not taken as its default", async () => {
    const r = await runStep({ workspace: digitsRepo(), inputs: { command: "plan", "state-dir": "" } });
    assert.equal(r.code, 1);
    assert.ok(
      r.annotations.some((a) => /^::error::input state-dir is empty: leave it out for action\.yml's default/.test(a)),
      r.annotations.join("\n"),
    );
  });
});

describe("the Action under faults", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
    gh.addPull({ number: PR, head: { ref: "feature/better-model" }, base: { ref: "main" } });
  });
  after(() => gh.close());

  it("records a trial job that died without a result as failed, with its job, and retries it", async () => {
    const play = new GitHubPlayer(gh, digitsRepo(", retries: 1"));
    await play.untilDone({ inputs: {}, event: prEvent }, 6, (i) =>
      i === 0 ? new Map([[1, "dies" as const]]) : undefined,
    );
    const round1 = play.state(play.runs[0]!.runId);
    const lost = round1.trials[1]!;
    assert.equal(lost.status, "failed");
    assert.match(lost.attempts[0]!.reason!, /the trial job ended \(failure\) without leaving a readable result/);
    assert.match(lost.attempts[0]!.jobUrl!, /\/job\/\d+$/);
    const final = play.state(play.runs.at(-1)!.runId);
    assert.equal(final.trials[1]!.attempts.length, 2, "retried as attempt 2");
    assert.equal(final.trials[1]!.status, "succeeded");
    gh.assertNoViolations();
  });

  it("skips a corrupted result file with a warning naming it, and counts the trial as failed", async () => {
    const play = new GitHubPlayer(gh, digitsRepo());
    const record = await play.run({ inputs: {}, event: prEvent, faults: new Map([[2, "corrupt" as const]]) });
    const report = record.report!;
    assert.equal(report.code, 0, report.stdout);
    assert.ok(
      report.annotations.some((a) => /^::warning.*result-2-1\.json: not valid JSON/.test(a)),
      report.annotations.join("\n"),
    );
    const state = play.state(record.runId);
    assert.equal(state.trials[2]!.status, "failed");
    assert.equal(state.trials[0]!.status, "succeeded");
  });

  it("records only results for runs the round planned: forged and conflicting result files are named and refused", async () => {
    const play = new GitHubPlayer(gh, digitsRepo());
    const cut = await play.run({ inputs: {}, event: prEvent, cancelAfter: 3 });
    const honest = JSON.parse(
      readFileSync(join(play.store, String(cut.runId), "matrix-tune-result-0-1", "result-0-1.json"), "utf8"),
    );
    // What anyone holding the run's runtime token could upload beside the real results.
    const forge = (artifact: string, name: string, over: object) =>
      play.plantArtifact(cut.runId, artifact, { [name]: JSON.stringify({ ...honest, ...over }) });
    forge("matrix-tune-result-evil", "result-0-7.json", { attempt: 7, value: 100 });
    forge("matrix-tune-result-evil", "result-1-9.json", { trialId: 1, attempt: 9, value: 1e308 });
    forge("matrix-tune-result-evil", "result-1-1-5.json", { trialId: 1, member: 5, value: 100 });
    forge("matrix-tune-result-evil2", "result-2-1.json", { trialId: 2, value: 99 });
    forge("matrix-tune-result-0-1", "result-1-1.json", { trialId: 1, value: 42 });
    forge("matrix-tune-result-evil", "result-2-2.json", { trialId: 1, attempt: 1, value: 42 });
    const report = await play.reportJob(cut.runId, { inputs: {}, event: prEvent }, cut.plan.outputs);
    assert.equal(report.code, 0, report.stdout);
    const warnings = report.annotations.join("\n");
    assert.match(
      warnings,
      /result-0-7\.json: trial 0 attempt 7 is not a run that round 1 planned and left open; ignored/,
    );
    assert.match(warnings, /result-1-9\.json: trial 1 attempt 9 is not a run/);
    assert.match(warnings, /result-1-1-5\.json: member 5 of trial 1, but the study runs 1 per configuration/);
    assert.match(
      warnings,
      /::error.*result-2-1\.json and .*result-2-1\.json are different results for trial 2 \(attempt 1\)/,
    );
    assert.match(
      warnings,
      /matrix-tune-result-0-1\/result-1-1\.json: the result of run 1-1 in the artifact of run 0-1; ignored/,
    );
    assert.match(warnings, /result-2-2\.json: holds the result of run 1-1, not the run its name says; ignored/);
    const state = play.state(cut.runId);
    assert.deepEqual(
      state.trials.slice(0, 3).map((t) => t.attempts.map((a) => a.value ?? a.status)),
      [[honest.value], [state.trials[1]!.attempts[0]!.value], ["failed"]],
      "the honest results are kept, the conflicting trial counts as one that left no result",
    );
    assert.notEqual(state.trials[1]!.attempts[0]!.value, 1e308);
  });

  it("a re-run report job changes nothing and keeps one comment", async () => {
    const play = new GitHubPlayer(gh, digitsRepo());
    const record = await play.run({
      inputs: {},
      event: { ...prEvent, number: 8, pull_request: { ...prEvent.pull_request, number: 8 } },
    });
    const before = play.state(record.runId);
    const again = await play.reportJob(record.runId, {
      inputs: {},
      event: { ...prEvent, number: 8, pull_request: { ...prEvent.pull_request, number: 8 } },
    });
    assert.equal(again.code, 0, again.stdout);
    assert.deepEqual(play.state(record.runId), before);
    assert.equal(gh.comments.filter((c) => c.issue_number === 8).length, 1);
  });

  it("rides out a 502 and a secondary rate limit", async () => {
    const play = new GitHubPlayer(gh, digitsRepo());
    gh.fail({ method: "GET", path: /\/actions\/runs\/\d+\/jobs$/ }, faults.badGateway());
    gh.fail({ method: "POST", path: /\/issues\/9\/comments$/ }, faults.secondaryRateLimit(1));
    const record = await play.run({
      inputs: {},
      event: { ...prEvent, number: 9, pull_request: { ...prEvent.pull_request, number: 9 } },
    });
    assert.equal(record.report!.code, 0, record.report!.stdout);
    assert.equal(gh.pendingFaults(), 0);
    assert.equal(gh.comments.filter((c) => c.issue_number === 9).length, 1);
    gh.assertNoViolations();
  });

  it("fails the step with the call and the permission it needs when the API refuses", async () => {
    const play = new GitHubPlayer(gh, digitsRepo());
    gh.fail(
      { method: "POST", path: /\/dispatches$/ },
      { status: 403, body: { message: "Resource not accessible by integration" } },
    );
    const record = await play.run({
      inputs: {},
      event: { ...prEvent, number: 10, pull_request: { ...prEvent.pull_request, number: 10 } },
    });
    assert.equal(record.report!.code, 1);
    assert.equal(gh.pendingFaults(), 0, "a refusal is not retried");
    assert.match(
      record.report!.stdout,
      /::error::GitHub API call failed while starting the next round \(dispatching tune\.yml on feature\/better-model\): 403 Resource not accessible by integration\. The workflow's token needs `permissions: actions: write`/,
    );
    // The state was saved before the call, so nothing recorded is lost.
    assert.equal(play.state(record.runId).trials.filter((t) => t.status === "succeeded").length, 3);
  });

  it("without a pull request writes only the job summary; a plan after the end says done", async () => {
    const play = new GitHubPlayer(gh, digitsRepo());
    const comments = gh.comments.length;
    const last = await play.untilDone({ inputs: {}, event: { ref: "refs/heads/main" } });
    assert.equal(gh.comments.length, comments, "no comment without a pull request");
    assert.match(last.report!.summary, /## matrix-tune: digits\n/);
    assert.deepEqual(gh.dispatches.at(-1)!.inputs, { "state-run-id": String(play.runs[0]!.runId) });
    const again = await play.run({ inputs: { "state-run-id": String(last.runId) }, event: {} });
    assert.equal(again.plan.outputs.done, "true");
    assert.equal(again.plan.outputs.matrix, '{"include":[]}');
    assert.equal(again.plan.outputs["best-params"], last.report!.outputs["best-params"]);
    assert.equal(again.trials.length, 0);
  });

  it("a cancelled round is resumed: finished trials are kept, the rest run again", async () => {
    const play = new GitHubPlayer(gh, digitsRepo());
    const cancelled = await play.run({ inputs: {}, event: prEvent, cancelAfter: 2 });
    assert.equal(cancelled.report, undefined);
    assert.equal(cancelled.trials.length, 2);
    const resumed = await play.run({ inputs: { "state-run-id": String(cancelled.runId), pr: String(PR) }, event: {} });
    const matrix = JSON.parse(resumed.plan.outputs.matrix!);
    assert.deepEqual(
      matrix.include.map((e: { trial: number; attempt: number }) => [e.trial, e.attempt]),
      [
        [2, 1],
        [3, 1],
      ],
      "only the trials the cancelled run never ran (3 is the reference run on the base commit)",
    );
    const state = play.state(resumed.runId);
    assert.ok(state.trials.slice(0, 3).every((t) => t.status === "succeeded" && t.attempts.length === 1));
    gh.assertNoViolations();
  });
});

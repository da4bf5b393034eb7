/**
 * `trials_per_job`: several runs of a round in one trial job, one after
 * another after a single setup, each with its own result file, timeout and
 * failure isolation, played through the reusable workflow with the bundled
 * Action and the loopback GitHub API. Also the faults of action.test.ts with
 * packed jobs, and the runner time packing saves.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runStep } from "../helpers/actions-runner.ts";
import { GitHubPlayer, pullRequestEvent, SIMULATED, simulatedJobTimes } from "../helpers/github-play.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/github-server.ts";
import { packedRepo, runnerTime } from "../helpers/packed.ts";
import { digitsRepo } from "../helpers/repo.ts";

const PR = 7;
const prEvent = pullRequestEvent(PR);

describe("trials_per_job in the Action", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
    gh.addPull({ number: PR, head: { ref: "feature/better-model" }, base: { ref: "main" } });
  });
  after(() => gh.close());

  it("trials_per_job 3: a job holding a failing, a timed-out and a pruned trial records each with its status, and loses nothing", async () => {
    const modes = ["good1", "good2", "good3", "good4", "fail", "hang", "prune", "good5"];
    const play = new GitHubPlayer(gh, packedRepo(modes, 4, 3));
    play.jobTimes = simulatedJobTimes;
    const last = await play.untilDone({ inputs: {}, event: prEvent });
    assert.equal(play.runs.length, 2);
    const [first, second] = play.runs;
    assert.deepEqual(
      first!.jobs.map((j) => j.name),
      ["tune / trials 0-1, 1-1, 2-1", "tune / trial 3 (attempt 1)"],
      "4 runs in ⌈4/3⌉ jobs; a group of one is a plain entry",
    );
    const bad = second!.jobs[0]!;
    assert.equal(bad.name, "tune / trials 4-1, 5-1, 6-1");
    assert.deepEqual(
      bad.runs.map((p) => p.params.mode),
      ["fail", "hang", "prune"],
    );
    // The step fails (a run failed), after all three ran; each result was uploaded.
    assert.notEqual(bad.result!.code, 0);
    assert.match(bad.result!.stdout, /trial 4 \(attempt 1\): failed: exited with code 1/);
    assert.match(bad.result!.stdout, /trial 5 \(attempt 1\): failed: timed out after 3s \(timeout\)/);
    assert.match(bad.result!.stdout, /trial 6 \(attempt 1\): pruned: /);
    assert.deepEqual(readdirSync(join(play.store, String(second!.runId), "matrix-tune-result-_4-1_5-1_6-1_")).sort(), [
      "result-4-1.json",
      "result-5-1.json",
      "result-6-1.json",
    ]);
    assert.equal(last.report!.code, 0, last.report!.stdout);

    const state = play.state(last.runId);
    assert.deepEqual(
      state.trials.map((t) => [t.params.mode, t.status, t.attempts.length]),
      modes.map((m, i) => [m, i === 4 || i === 5 ? "failed" : i === 6 ? "pruned" : "succeeded", 1]),
    );
    assert.match(state.trials[4]!.attempts[0]!.reason!, /exited with code 1/);
    assert.match(state.trials[5]!.attempts[0]!.reason!, /^timed out after 3s/);
    assert.match(state.trials[6]!.attempts[0]!.reason!, /worse than the median/);
    // Each run links the job that ran it: the three share one.
    const urls = state.trials.map((t) => t.attempts[0]!.jobUrl);
    assert.ok(urls.every((u) => /\/job\/\d+$/.test(u ?? "")));
    assert.equal(new Set(urls.slice(4, 7)).size, 1);
    assert.notEqual(urls[7], urls[4]);
    // The job's runner time (setup + 3 × a trial, simulated) is shared among its three runs.
    const shares = state.trials.slice(4, 7).map((t) => (t.attempts[0] as { runnerMs?: number }).runnerMs ?? 0);
    assert.ok(
      Math.abs(shares.reduce((s, x) => s + x, 0) - (SIMULATED.setupS + 3 * SIMULATED.trialS) * 1000) < 1,
      `${shares}`,
    );
    gh.assertNoViolations();
  });

  it("a packed job that died: each of its runs is recorded as failed with the job's link and retried", async () => {
    const play = new GitHubPlayer(gh, digitsRepo(", retries: 1, max_failures: 6", "compare: off\ntrials_per_job: 2\n"));
    await play.untilDone({ inputs: {}, event: prEvent }, 6, (i) =>
      i === 0 ? new Map([[1, "dies" as const]]) : undefined,
    );
    const first = play.runs[0]!;
    assert.deepEqual(
      first.jobs.map((j) => j.name),
      ["tune / trials 0-1, 1-1", "tune / trial 2 (attempt 1)"],
    );
    const round1 = play.state(first.runId);
    const url = round1.trials[0]!.attempts[0]!.jobUrl;
    for (const t of round1.trials.slice(0, 2)) {
      assert.equal(t.status, "failed");
      assert.match(t.attempts[0]!.reason!, /the trial job ended \(failure\) without leaving a readable result/);
      assert.equal(t.attempts[0]!.jobUrl, url);
    }
    assert.equal(round1.trials[2]!.status, "succeeded", "the other job's result is kept");
    const final = play.state(play.runs.at(-1)!.runId);
    for (const t of final.trials.slice(0, 2)) {
      assert.equal(t.attempts.length, 2, "retried as attempt 2");
      assert.equal(t.status, "succeeded");
    }
    gh.assertNoViolations();
  });

  it("corrupted result files of a packed job are each named and skipped; the other job's results are kept", async () => {
    const play = new GitHubPlayer(gh, digitsRepo("", "compare: off\ntrials_per_job: 2\n"));
    const record = await play.run({ inputs: {}, event: prEvent, faults: new Map([["_0-1_1-1_", "corrupt" as const]]) });
    const report = record.report!;
    assert.equal(report.code, 0, report.stdout);
    const warnings = report.annotations.join("\n");
    assert.match(warnings, /result-0-1\.json: not valid JSON/);
    assert.match(warnings, /result-1-1\.json: not valid JSON/);
    const state = play.state(record.runId);
    assert.deepEqual(
      state.trials.map((t) => t.status),
      ["failed", "failed", "succeeded"],
    );
  });

  it("an artifact named for a packed job holds only that job's runs' results", async () => {
    const play = new GitHubPlayer(gh, digitsRepo("", "compare: off\ntrials_per_job: 2\n"));
    const cut = await play.run({ inputs: {}, event: prEvent, cancelAfter: 1 });
    const dir = join(play.store, String(cut.runId), "matrix-tune-result-_0-1_1-1_");
    const honest = JSON.parse(readFileSync(join(dir, "result-0-1.json"), "utf8"));
    play.plantArtifact(cut.runId, "matrix-tune-result-_0-1_1-1_", {
      "result-0-1.json": JSON.stringify(honest),
      "result-1-1.json": readFileSync(join(dir, "result-1-1.json"), "utf8"),
      "result-2-1.json": JSON.stringify({ ...honest, trialId: 2, value: 99 }),
    });
    const report = await play.reportJob(cut.runId, { inputs: {}, event: prEvent }, cut.plan.outputs);
    assert.equal(report.code, 0, report.stdout);
    assert.match(
      report.annotations.join("\n"),
      /matrix-tune-result-_0-1_1-1_\/result-2-1\.json: the result of run 2-1 in the artifact of the job of runs 0-1, 1-1; ignored/,
    );
    const state = play.state(cut.runId);
    assert.deepEqual(
      state.trials.map((t) => t.status),
      ["succeeded", "succeeded", "failed"],
    );
    assert.notEqual(state.trials[2]!.attempts[0]!.value, 99);
  });

  it("a cancelled round is resumed: the packed job's results are kept, the rest run again, the reference run alone", async () => {
    const play = new GitHubPlayer(gh, digitsRepo("", "trials_per_job: 3\n"));
    const cancelled = await play.run({ inputs: {}, event: prEvent, cancelAfter: 1 });
    assert.deepEqual(
      cancelled.jobs.map((j) => j.name),
      ["tune / trials 0-1, 1-1, 2-1"],
    );
    const planned = JSON.parse(cancelled.plan.outputs.matrix!).include;
    assert.equal(planned.length, 2, "three packed, and the reference run on the base commit alone");
    assert.match(planned[1].ref, /^[0-9a-f]{40}$/);
    const resumed = await play.run({ inputs: { "state-run-id": String(cancelled.runId), pr: String(PR) }, event: {} });
    const matrix = JSON.parse(resumed.plan.outputs.matrix!);
    assert.deepEqual(
      matrix.include.map((e: { trial: number; attempt: number }) => [e.trial, e.attempt]),
      [[3, 1]],
      "only the reference run, which the cancelled run never ran",
    );
    const state = play.state(resumed.runId);
    assert.ok(state.trials.slice(0, 3).every((t) => t.status === "succeeded" && t.attempts.length === 1));
    gh.assertNoViolations();
  });
});

describe("collect for a job of several runs", () => {
  const runs = [4, 5, 6].map((trial) => ({ id: `${trial}-1`, trial, attempt: 1, params: {} }));
  const payload = JSON.stringify({ v: 2, study: "digits", round: 1, id: "_4-1_5-1_6-1_", runs });
  const result = (trialId: number) =>
    JSON.stringify({
      version: 1,
      study: "digits",
      status: "succeeded",
      value: 0.9,
      trialId,
      attempt: 1,
      durationMs: 1200,
      exitCode: 0,
      signal: null,
      metrics: { val_accuracy: 0.9 },
      logTail: "epoch=4 val_accuracy=0.9\n",
    });

  it("checks each run's file on its own: a good one is kept, a link and another run's result are refused, planted files removed", async () => {
    const ws = mkdtempSync(join(tmpdir(), "mt-collect-"));
    const results = join(ws, ".matrix-tune/results");
    const checkpoint = join(ws, "checkpoint");
    mkdirSync(results, { recursive: true });
    mkdirSync(join(checkpoint, "4-1"), { recursive: true });
    writeFileSync(join(results, "result-4-1.json"), result(4));
    symlinkSync("/etc/passwd", join(results, "result-5-1.json"));
    writeFileSync(join(results, "result-6-1.json"), result(7));
    writeFileSync(join(results, "result-9-1.json"), result(9));
    symlinkSync("/proc/self/environ", join(checkpoint, "4-1", "environ"));
    const r = await runStep({
      workspace: ws,
      inputs: { command: "collect", payload, "checkpoint-dir": checkpoint },
      env: { GITHUB_RUN_ID: "7001" },
    });
    assert.equal(r.code, 1, "two runs left no usable result: the step fails");
    assert.equal(r.outputs.checked, "true");
    assert.deepEqual(readdirSync(results), ["result-4-1.json"]);
    assert.deepEqual(readdirSync(join(checkpoint, "4-1")), []);
    assert.deepEqual([r.outputs.status, r.outputs.statuses], ["failed", '{"4-1":"succeeded"}']);
    const annotations = r.annotations.join("\n");
    assert.match(annotations, /removed .*result-9-1\.json from the results directory/);
    assert.match(annotations, /result-5-1\.json is refused and deleted: it is not a plain file/);
    assert.match(
      annotations,
      /result-6-1\.json is refused and deleted: it holds the result of trial 7 \(attempt 1\), not of trial 6/,
    );
    assert.equal(JSON.parse(readFileSync(join(results, "result-4-1.json"), "utf8")).runId, 7001);
  });
});

describe("runner-minutes: 60 s of setup, 30 s trials", () => {
  it("k = 4 takes at least 2× fewer runner-minutes than k = 1 for the same study", async () => {
    const modes = ["good1", "good2", "good3", "good4", "good5", "good6", "good7", "good8"];
    const time = async (k: number) => {
      const gh = await startFakeGitHub();
      try {
        const play = new GitHubPlayer(gh, packedRepo(modes, 8, k));
        play.jobTimes = simulatedJobTimes;
        await play.untilDone({ inputs: {}, event: { ref: "refs/heads/main" } });
        return await runnerTime(gh, play);
      } finally {
        await gh.close();
      }
    };
    const one = await time(1);
    const four = await time(4);
    // 8 jobs of 60 + 30 s against 2 of 60 + 4 × 30 s.
    assert.deepEqual([one.jobs, one.apiMs, one.billedMinutes], [8, 720_000, 16]);
    assert.deepEqual([four.jobs, four.apiMs, four.billedMinutes], [2, 360_000, 6]);
    assert.ok(one.apiMs / four.apiMs >= 2);
    // The report's own accounting agrees with the API's.
    assert.ok(
      Math.abs(one.reportMs - one.apiMs) < 1 && Math.abs(four.reportMs - four.apiMs) < 1,
      `${one.reportMs} ${four.reportMs}`,
    );
  });
});

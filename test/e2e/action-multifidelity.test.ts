/**
 * Multi-fidelity studies through the Action, as GitHub would run them (see
 * action.test.ts for the setup): hyperband trials continuing their parent's
 * checkpoint from an earlier workflow run, repeats × folds fanned out one job
 * per member, and the median stopping rule applied inside the trial job. The
 * workload is the deterministic curve trainer, whose journal says where every
 * run started from.
 */
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT, runCli } from "../helpers/cli.ts";
import { GitHubPlayer, pullRequestEvent, type RunRecord } from "../helpers/github-play.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/github-server.ts";

const PR = 12;
const prEvent = pullRequestEvent(PR);

/** A repository with the curve trainer in model/ and `tune.yml`; every run of the trainer is journalled. */
function curveRepo(config: string, env: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "mt-curves-"));
  mkdirSync(join(dir, "model"));
  cpSync(join(ROOT, "test/fixtures/curve-trainer.mjs"), join(dir, "model/curve-trainer.mjs"));
  const allEnv = { CURVE_JOURNAL: join(dir, "journal.jsonl"), ...env };
  writeFileSync(join(dir, "tune.yml"), `${config}env: ${JSON.stringify(allEnv)}\n`);
  return dir;
}

interface JournalLine {
  trial: number;
  seed: number;
  fold: number;
  from: number;
  to: number;
}

function journal(repo: string): JournalLine[] {
  const path = join(repo, "journal.jsonl");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

const header = (name: string, epochs: string) => `name: ${name}
command: [node, curve-trainer.mjs, "--quality=\${quality}", "--epochs=${epochs}"]
workdir: model
objective: {metric: val_accuracy, goal: maximize}
parameters:
  quality: {type: float, min: 0.2, max: 1}
`;

/** The job of a trial (its first, when it has several) in any of the runs. */
function jobOf(runs: readonly RunRecord[], trial: number) {
  for (const r of runs) {
    const job = r.jobs.find((j) => j.runs.some((p) => p.trial === trial));
    if (job) return { ...job, runId: r.runId };
  }
  throw new Error(`no job ran trial ${trial}`);
}

describe("multi-fidelity studies in the Action", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
    gh.addPull({
      number: PR,
      head: { ref: "feature/better-model" },
      base: { ref: "main" },
    });
  });
  after(() => gh.close());

  /** Rounds of up to 5: trials of round 1 are promoted in round 3, and one of those again in round 4. */
  const hyperband = (name: string, extra = "") => `${header(name, "${epochs}")}strategy: hyperband
resource: {name: epochs, min: 1, max: 9, eta: 3}
seed: 4
${extra}budget: {max_trials: 13, parallel: 5}
`;
  /** The study played to its end from a repository with this config. */
  async function untilDone(config: string) {
    const repo = curveRepo(config);
    const play = new GitHubPlayer(gh, repo);
    const last = await play.untilDone({ inputs: {}, event: prEvent }, 8);
    assert.equal(last.report!.code, 0, last.report!.stdout);
    return { repo, play, last, state: play.state(last.runId) };
  }

  it("hyperband: promoted trials continue their parent's checkpoint from an earlier run, and the study is the local one", async () => {
    const config = hyperband("curves");
    const { repo, play, last, state } = await untilDone(config);
    assert.equal(last.report!.outputs.done, "true");

    const promoted = state.trials.filter((t) => t.parent !== undefined);
    assert.ok(
      promoted.some((t) => state.trials[t.parent!]!.parent !== undefined),
      "a trial promoted twice",
    );
    const trained = journal(repo);
    for (const t of promoted) {
      const parent = state.trials[t.parent!]!;
      const job = jobOf(play.runs, t.id);
      const parentRun = jobOf(play.runs, parent.id).runId;
      assert.ok(parentRun < job.runId, `trial ${t.id} runs after its parent`);
      assert.deepEqual(job.runs[0]!.resume, { trial: parent.id, attempt: 1, id: `${parent.id}-1`, run: parentRun });
      assert.deepEqual(
        trained.filter((r) => r.trial === t.id).map((r) => [r.from, r.to]),
        [[parent.resource, t.resource]],
        `trial ${t.id} trains on from its parent's ${parent.resource} epochs`,
      );
      assert.match(
        job.result!.stdout,
        new RegExp(`continues the checkpoint of trial ${parent.id} \\(attempt 1\\) \\(run ${parentRun}\\)`),
      );
      assert.match(job.result!.stdout, new RegExp(`resumed from epoch=${parent.resource}`));
    }
    for (const t of state.trials.filter((t) => t.parent === undefined))
      assert.deepEqual(
        trained.filter((r) => r.trial === t.id).map((r) => r.from),
        [0],
      );
    for (const t of state.trials) assert.equal(t.attempts[0]!.runId, jobOf(play.runs, t.id).runId);
    assert.ok(play.artifactNames(play.runs[0]!.runId).includes("matrix-tune-checkpoint-0-1"));

    const local = curveRepo(config);
    const cli = await runCli(["run", join(local, "tune.yml"), "--state-dir", join(local, "state")]);
    assert.equal(cli.code, 0, cli.stderr);
    const localState = JSON.parse(readFileSync(join(local, "state/state.json"), "utf8")) as typeof state;
    assert.equal(play.runs.length, localState.rounds.length, "one workflow run per round");
    const outline = (s: typeof state) =>
      s.trials.map((t) => ({
        params: t.params,
        resource: t.resource,
        strategyData: t.strategyData,
        parent: t.parent,
        status: t.status,
        value: t.attempts.at(-1)!.value,
      }));
    assert.deepEqual(outline(state), outline(localState));
    const starts = (lines: JournalLine[]) => lines.map((l) => [l.trial, l.from, l.to]).sort((a, b) => a[0]! - b[0]!);
    assert.deepEqual(starts(trained), starts(journal(local)), "the same checkpoints continued");
    gh.assertNoViolations();
  });

  it("hyperband with trials_per_job: a promoted trial continues the checkpoint its parent saved in a job of several runs", async () => {
    const { repo, play, state } = await untilDone(hyperband("packed-curves", "trials_per_job: 3\n"));
    const first = play.runs[0]!;
    assert.deepEqual(
      first.jobs.map((j) => j.name),
      ["tune / trials 0-1, 1-1, 2-1", "tune / trials 3-1, 4-1"],
    );
    assert.ok(play.artifactNames(first.runId).includes("matrix-tune-checkpoint-_0-1_1-1_2-1_"));
    const trained = journal(repo);
    const promoted = state.trials.filter((t) => t.parent !== undefined);
    assert.ok(promoted.length > 0);
    for (const t of promoted) {
      const parent = state.trials[t.parent!]!;
      const job = jobOf(play.runs, t.id);
      assert.equal(job.runs.length, 1, `trial ${t.id} continues a checkpoint: a job of its own`);
      assert.deepEqual(
        trained.filter((r) => r.trial === t.id).map((r) => [r.from, r.to]),
        [[parent.resource, t.resource]],
        `trial ${t.id} trains on from its parent's ${parent.resource} epochs`,
      );
      assert.match(job.result!.stdout, new RegExp(`resumed from epoch=${parent.resource}`));
    }
    assert.ok(
      promoted.some((t) => jobOf(play.runs, t.parent!).runs.length > 1),
      "a parent that ran packed with others",
    );
    gh.assertNoViolations();
  });

  it("repeats × folds: one job per member; a failing member and a lost one are recorded, and the comment shows them", async () => {
    const repo = curveRepo(
      `${header("folds", "3")}strategy: random
repeats: 2
folds: 2
budget: {max_trials: 3, parallel: 3}
`,
      { FAIL_WHEN: "seed=1,fold=0" },
    );
    const play = new GitHubPlayer(gh, repo);
    // Trial 2's member 1 (seed 0, fold 1) loses its runner: no result, no upload.
    const record = await play.run({ inputs: {}, event: prEvent, faults: new Map([["2-1-1", "dies" as const]]) });
    assert.equal(record.report!.code, 0, record.report!.stdout);
    assert.equal(record.jobs.length, 12);
    assert.deepEqual(record.jobs[2]!.runs[0]!.member, { index: 2, seed: 1, fold: 0, folds: 2 });
    assert.equal(record.jobs[2]!.name, "tune / trial 0 (attempt 1, member 2)");

    const state = play.state(record.runId);
    for (const t of state.trials) {
      assert.equal(t.status, "succeeded");
      assert.deepEqual(
        t.attempts.map((a) => a.member),
        [0, 1, 2, 3],
      );
      const failed = t.attempts[2]!;
      assert.equal(failed.status, "failed");
      assert.match(failed.reason!, /exited with code 1/);
      // TUNE_SEED and TUNE_FOLD reached the trainer: each member is offset by 0.001·seed + 0.0001·fold.
      for (const a of t.attempts.filter((a) => a.status === "succeeded")) {
        const offset = 0.001 * Math.floor(a.member! / 2) + 0.0001 * (a.member! % 2);
        assert.ok(Math.abs(a.value! - t.attempts[0]!.value! - offset) < 1e-9);
      }
    }
    const lost = state.trials[2]!.attempts[1]!;
    assert.equal(lost.status, "failed");
    assert.match(lost.reason!, /the trial job ended \(failure\) without leaving a readable result/);
    const lostJob = gh.jobs.get(record.runId)!.find((j) => j.name === "tune / trial 2 (attempt 1, member 1)")!;
    assert.equal(lost.jobUrl, lostJob.html_url, "the report matched the job by its name");
    assert.equal(lost.runId, record.runId);
    assert.equal(state.trials[0]!.attempts.filter((a) => a.status === "succeeded").length, 3);
    assert.equal(state.trials[2]!.attempts.filter((a) => a.status === "succeeded").length, 2);

    const body = gh.comments.find((c) => c.issue_number === PR && c.body?.includes("study=folds"))!.body!;
    assert.equal(body.match(/\(3\/4\)/g)?.length, 2, body);
    assert.match(body, /\(2\/4\)/);
    assert.match(body, /seed 1 fold 0: exited with code 1/);
    assert.ok(record.report!.summary.includes("(2/4)"));
    gh.assertNoViolations();
  });

  it("early_stopping median: the payload carries the median curve, and the trial job prunes a poor trial", async () => {
    // Seed 6: one trial of round 2 falls below the median of round 1, the other beats it.
    const repo = curveRepo(`${header("early", "6")}strategy: random
early_stopping: {rule: median, min_trials: 2}
seed: 6
budget: {max_trials: 6, parallel: 2}
`);
    const play = new GitHubPlayer(gh, repo);
    const last = await play.untilDone({ inputs: {}, event: prEvent }, 5);
    assert.equal(play.runs.length, 3);
    const state = play.state(last.runId);

    const [first, second] = play.runs;
    assert.ok(
      first!.jobs.every((j) => j.entry.prune === undefined),
      "nothing to compare with in round 1",
    );
    // The median of two curves is their mean, step by step (in the payload to 4 significant digits).
    const [a, b] = play.state(first!.runId).trials.map((t) => t.attempts[0]!.intermediate);
    for (const j of second!.jobs) {
      assert.equal(j.entry.prune?.after, 1);
      const median = j.entry.prune!.median;
      assert.deepEqual(
        median.map(([step]) => step),
        a!.map((p) => p.step),
      );
      for (const [i, [, m]] of median.entries())
        assert.ok(Math.abs(m - (a![i]!.values.val_accuracy! + b![i]!.values.val_accuracy!) / 2) < 1e-3);
    }

    const pruned = state.trials.filter((t) => t.status === "pruned");
    assert.ok(pruned.some((t) => t.round === 2));
    for (const t of pruned) {
      const attempt = t.attempts[0]!;
      assert.match(attempt.reason!, /^pruned at step 1: /);
      assert.equal(attempt.intermediate[0]!.step, 1);
      const job = jobOf(play.runs, t.id);
      assert.equal(job.result!.code, 0, "stopping early is not a failed job");
      assert.match(job.result!.stdout, /early stopping: stops when its best val_accuracy is worse than the median/);
    }
    const later = state.trials.filter((t) => t.round > 1 && t.status === "succeeded");
    assert.ok(later.length > 0);
    for (const t of pruned) assert.ok(later.every((s) => s.params.quality! > t.params.quality!));
    gh.assertNoViolations();
  });
});

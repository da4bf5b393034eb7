import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { jobsFor } from "../../src/engine/jobs.ts";
import { planRound } from "../../src/engine/plan.ts";
import type { Run } from "../../src/protocol/run.ts";
import { latestAttempt, trialSamples, trialValue, willRetry } from "../../src/protocol/trial-value.ts";
import { placedAt, placementOf } from "../../src/strategy/hyperband/placement.ts";
import type { Study } from "../../src/study/schema.ts";
import {
  createStudy,
  markRunning,
  memberSeedFold,
  membersOf,
  openRound,
  recordAttempt,
  unfinishedRuns,
} from "../../src/study/study.ts";
import { payloadsFor } from "../../src/trial/payload.ts";
import { type Outcome, runAttempt } from "../helpers/attempts.ts";
import { configFrom } from "../helpers/config.ts";

/** 2 repeats × 3 folds: six members per trial. */
const six = configFrom(`
name: m
command: [x]
objective: {metric: loss, goal: minimize}
parameters:
  x: {type: float, min: 0, max: 1}
repeats: 2
folds: 3
budget: {max_trials: 10, parallel: 2, retries: 1}
`);

const cfg = (budget: Partial<Config["budget"]>, extra: Partial<Config> = {}): Config => ({
  ...six,
  ...extra,
  budget: { ...six.budget, ...budget },
});

const member = runAttempt;

/** Records the runs' outcomes, member by member. */
function record(study: Study, runs: readonly Run[], v: (run: Run) => Outcome): Study {
  let s = study;
  for (const run of runs) s = recordAttempt(s, member(run.trialId, run.attempt, run.member, v(run)));
  return s;
}

/** The first round of a fresh study, with its trials marked running as the shells do. */
function firstRound(config: Config): { study: Study; runs: Run[] } {
  const plan = planRound(config, createStudy(config));
  assert.equal(plan.kind, "round");
  if (plan.kind !== "round") throw new Error("unreachable");
  return { study: markRunning(plan.study, [...new Set(plan.runs.map((r) => r.trialId))]), runs: plan.runs };
}

describe("members: fan-out", () => {
  it("each trial runs once per repeat and fold, member index = repeat × folds + fold", () => {
    assert.equal(membersOf(six), 6);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((i) => memberSeedFold(six, i)),
      [
        { seed: 0, fold: 0 },
        { seed: 0, fold: 1 },
        { seed: 0, fold: 2 },
        { seed: 1, fold: 0 },
        { seed: 1, fold: 1 },
        { seed: 1, fold: 2 },
      ],
    );
    const { study, runs } = firstRound(six);
    assert.equal(study.trials.length, 2, "parallel counts trials, not jobs");
    assert.deepEqual(
      runs.map((r) => [r.trialId, r.attempt, r.member]),
      [0, 1].flatMap((id) => [0, 1, 2, 3, 4, 5].map((m) => [id, 1, m])),
    );
    const jobs = jobsFor(six, study, runs);
    assert.deepEqual(jobs[4]!.member, { index: 4, seed: 1, fold: 1, folds: 3 });
    assert.deepEqual(jobs[8]!.member, { index: 2, seed: 0, fold: 2, folds: 3 });
    assert.ok(jobs.every((j) => j.resume === undefined && j.params.x === study.trials[j.trialId]!.params.x));
  });

  it("folds only, repeats only, and neither", () => {
    const folds = cfg({}, { repeats: 1, folds: 4 });
    assert.deepEqual(
      [0, 3].map((i) => memberSeedFold(folds, i)),
      [
        { seed: 0, fold: 0 },
        { seed: 0, fold: 3 },
      ],
    );
    const repeats = cfg({}, { repeats: 3, folds: 1 });
    assert.deepEqual(memberSeedFold(repeats, 2), { seed: 2, fold: 0 });
    assert.equal(firstRound(repeats).runs.length, 6);
    const single = cfg({}, { repeats: 1, folds: 1 });
    const { study, runs } = firstRound(single);
    assert.deepEqual(runs, [
      { trialId: 0, attempt: 1 },
      { trialId: 1, attempt: 1 },
    ]);
    assert.ok(jobsFor(single, study, runs).every((j) => !("member" in j)));
  });
});

describe("members: results", () => {
  it("the trial's value is the mean over its members", () => {
    const { study, runs } = firstRound(six);
    const s = record(study, runs, (r) => r.trialId * 10 + r.member!);
    assert.equal(s.trials[0]!.status, "succeeded");
    assert.deepEqual(trialSamples(s.trials[0]!), [0, 1, 2, 3, 4, 5]);
    assert.equal(trialValue(s.trials[0]!), 2.5);
    assert.equal(trialValue(s.trials[1]!), 12.5);
  });

  it("a member that failed leaves the mean of the others, and the samples show how many", () => {
    const { study, runs } = firstRound(six);
    const s = record(study, runs, (r) => (r.trialId === 0 && r.member === 5 ? "fail" : r.member!));
    const t = s.trials[0]!;
    assert.equal(t.status, "succeeded");
    assert.deepEqual(trialSamples(t), [0, 1, 2, 3, 4]);
    assert.equal(trialValue(t), 2);
    assert.equal(willRetry(t, 1), false, "a configuration with a result is not run again");
  });

  it("a member the stopping rule stopped prunes the whole trial: the survivors' mean would flatter it", () => {
    const { study, runs } = firstRound(six);
    const s = record(study, runs, (r) =>
      r.trialId === 0 ? (r.member === 5 ? "prune" : 4) : r.member! < 3 ? "prune" : "fail",
    );
    assert.equal(s.trials[0]!.status, "pruned", "five succeeded, one pruned");
    assert.deepEqual(trialSamples(s.trials[0]!), []);
    assert.equal(trialValue(s.trials[0]!), undefined);
    assert.equal(s.trials[1]!.status, "pruned", "pruned and failed members: pruned");
    assert.equal(willRetry(s.trials[1]!, 1), false, "a pruned trial is not run again");
  });

  it("every member failed: the trial failed and is retried as a whole, each member as attempt 2", () => {
    const { study, runs } = firstRound(six);
    let s = record(study, runs, (r) => (r.trialId === 0 ? "fail" : 1));
    assert.equal(s.trials[0]!.status, "failed");
    assert.deepEqual(trialSamples(s.trials[0]!), []);
    const plan = planRound(six, s);
    assert.equal(plan.kind, "round");
    if (plan.kind !== "round") return;
    assert.deepEqual(
      plan.runs.slice(0, 6),
      [0, 1, 2, 3, 4, 5].map((m) => ({ trialId: 0, attempt: 2, member: m })),
    );
    assert.equal(plan.runs.length, 12, "the retry takes one of two places; a new trial the other");
    assert.equal(plan.study.trials[0]!.status, "pending");

    // Attempt 2 succeeds on two members: only those count, attempt 1's failures are history.
    s = record(plan.study, plan.runs, (r) => (r.trialId === 0 ? (r.member! < 2 ? 3 + r.member! : "fail") : 1));
    assert.equal(latestAttempt(s.trials[0]!), 2);
    assert.equal(s.trials[0]!.attempts.length, 12);
    assert.equal(s.trials[0]!.status, "succeeded");
    assert.deepEqual(trialSamples(s.trials[0]!), [3, 4]);
    assert.equal(trialValue(s.trials[0]!), 3.5);
  });

  it("a trial stays running until its last member is in, whatever the others did", () => {
    const { study } = firstRound(six);
    let s = study;
    for (const m of [3, 0, 5, 1, 4]) {
      s = recordAttempt(s, member(0, 1, m, m === 0 ? "fail" : m));
      assert.equal(s.trials[0]!.status, "running", `after member ${m}`);
      assert.equal(trialValue(s.trials[0]!), undefined);
    }
    s = recordAttempt(s, member(0, 1, 2, 2));
    assert.equal(s.trials[0]!.status, "succeeded");
    assert.deepEqual(trialSamples(s.trials[0]!), [1, 2, 3, 4, 5], "members in order, whatever order they came in");
  });

  it("recording the same member twice changes nothing", () => {
    const { study } = firstRound(six);
    const once = recordAttempt(study, member(0, 1, 2, 7));
    assert.equal(recordAttempt(once, member(0, 1, 2, 99)), once);
    assert.equal(recordAttempt(once, member(0, 1, 2, "fail")), once);
    let all = once;
    for (const m of [0, 1, 3, 4, 5]) all = recordAttempt(all, member(0, 1, m, 1));
    assert.equal(all.trials[0]!.attempts.length, 6);
    assert.equal(recordAttempt(all, member(0, 1, 5, 50)), all);
    assert.equal(trialValue(all.trials[0]!), 12 / 6);
    // Another member number is another run.
    assert.notEqual(recordAttempt(once, member(0, 1, 3, 7)), once);
  });

  it("unfinished runs are listed member by member, and a resumed round runs exactly those", () => {
    const { study, runs } = firstRound(six);
    const s = record(
      study,
      runs.filter((r) => !(r.trialId === 0 && (r.member === 1 || r.member === 4)) && r.trialId !== 1),
      () => 1,
    );
    const expected = [
      { trialId: 0, attempt: 1, member: 1 },
      { trialId: 0, attempt: 1, member: 4 },
      ...[0, 1, 2, 3, 4, 5].map((m) => ({ trialId: 1, attempt: 1, member: m })),
    ];
    assert.deepEqual(unfinishedRuns(s), expected);
    const plan = planRound(six, s);
    assert.equal(plan.kind === "round" && plan.resumed, true);
    assert.deepEqual(plan.kind === "round" && plan.runs, expected);
    assert.deepEqual(unfinishedRuns(record(s, expected, () => 2)), []);
  });
});

describe("members: checkpoints to resume", () => {
  it("a retry resumes each member from its own previous attempt, with the run that saved it", () => {
    const { study, runs } = firstRound(six);
    let s = study;
    for (const r of runs)
      s = recordAttempt(
        s,
        member(r.trialId, 1, r.member, r.trialId === 0 ? "fail" : 1, r.member! < 3 ? 500 : undefined),
      );
    const plan = planRound(six, s);
    assert.equal(plan.kind, "round");
    if (plan.kind !== "round") return;
    const jobs = jobsFor(six, plan.study, plan.runs);
    assert.deepEqual(jobs[1]!.resume, { trialId: 0, attempt: 1, member: 1, runId: 500 });
    assert.deepEqual(jobs[4]!.resume, { trialId: 0, attempt: 1, member: 4 }, "no runId recorded for member 4");
    assert.equal(jobs[6]!.trialId, 2);
    assert.equal(jobs[6]!.resume, undefined, "a new trial starts from scratch");
    const payloads = payloadsFor(six, plan.study, plan.round, plan.runs);
    assert.equal(payloads[1]!.id, "0-2-1");
    assert.deepEqual(payloads[1]!.resume, { trial: 0, attempt: 1, member: 1, id: "0-1-1", run: 500 });
    assert.deepEqual(payloads[4]!.resume, { trial: 0, attempt: 1, member: 4, id: "0-1-4" });
  });

  const hb = configFrom(`
name: hb
command: [x]
objective: {metric: loss, goal: minimize}
strategy: hyperband
resource: {name: epochs, min: 1, max: 9, eta: 3}
parameters:
  x: {type: float, min: 0, max: 1}
repeats: 2
budget: {max_trials: 20, parallel: 9, retries: 1}
`);

  it("a promoted trial resumes each member from its parent's latest attempt", () => {
    // Bracket 0 of 1..9 by 3: 9×1 → 3×3 → 1×9.
    let { study, runs } = firstRound(hb);
    assert.equal(study.trials.length, 9);
    // Trial 0 fails on attempt 1 and is retried; its attempt 2 is the one to continue.
    study = record(study, runs, (r) => (r.trialId === 0 ? "fail" : 10 + r.trialId));
    let plan = planRound(hb, study);
    assert.equal(plan.kind, "round");
    if (plan.kind !== "round") return;
    assert.deepEqual(
      plan.runs.slice(0, 2).map((r) => [r.trialId, r.attempt, r.member]),
      [
        [0, 2, 0],
        [0, 2, 1],
      ],
    );
    study = plan.study;
    for (const r of plan.runs.filter((r) => r.trialId === 0))
      study = recordAttempt(study, member(0, 2, r.member, 1, r.member === 0 ? 777 : undefined));
    study = record(
      study,
      plan.runs.filter((r) => r.trialId !== 0),
      () => 50,
    );

    plan = planRound(hb, study);
    assert.equal(plan.kind, "round");
    if (plan.kind !== "round") return;
    const promoted = plan.study.trials.filter((t) => t.parent !== undefined && placementOf(t)?.bracket === 0);
    assert.deepEqual(
      promoted.map((t) => [t.parent, placementOf(t)?.rung, t.resource]),
      [
        [0, 1, 3],
        [1, 1, 3],
        [2, 1, 3],
      ],
    );
    const jobs = jobsFor(hb, plan.study, plan.runs);
    const first = jobs.filter((j) => j.trialId === promoted[0]!.id);
    assert.deepEqual(
      first.map((j) => [j.attempt, j.params.epochs, j.member?.seed, j.resume]),
      [
        [1, 3, 0, { trialId: 0, attempt: 2, member: 0, runId: 777 }],
        [1, 3, 1, { trialId: 0, attempt: 2, member: 1 }],
      ],
    );
    const second = jobs.filter((j) => j.trialId === promoted[1]!.id);
    assert.deepEqual(
      second.map((j) => j.resume),
      [
        { trialId: 1, attempt: 1, member: 0 },
        { trialId: 1, attempt: 1, member: 1 },
      ],
    );
  });

  it("a promoted trial's retry resumes from its own previous attempt, not the parent's", () => {
    const { study } = openRound(
      createStudy(hb),
      [
        { params: { x: 0.1 }, ...placedAt(0, 0), resource: 1 },
        { params: { x: 0.1 }, ...placedAt(0, 1), resource: 3, parent: 0 },
      ],
      [],
    );
    let s = recordAttempt(study, member(0, 1, 0, 1, 10));
    s = recordAttempt(s, member(0, 1, 1, 1, 10));
    s = recordAttempt(s, member(1, 1, 0, "fail", 11));
    s = recordAttempt(s, member(1, 1, 1, "fail", 11));
    const jobs = jobsFor(hb, s, [
      { trialId: 1, attempt: 1, member: 1 },
      { trialId: 1, attempt: 2, member: 1 },
    ]);
    assert.deepEqual(
      jobs.map((j) => j.resume),
      [
        { trialId: 0, attempt: 1, member: 1, runId: 10 },
        { trialId: 1, attempt: 1, member: 1, runId: 11 },
      ],
    );
  });
});

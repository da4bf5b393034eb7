import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareWithReference } from "../../src/compare/studies.ts";
import { evaluatedAttempt } from "../../src/driver/in-process.ts";
import { planRound } from "../../src/engine/plan.ts";
import { addReferenceRun } from "../../src/engine/reference.ts";
import { bestTrial } from "../../src/study/best.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy, recordAttempt, referenceTrial, searchTrials } from "../../src/study/study.ts";
import { payloadsFor } from "../../src/trial/payload.ts";
import { configFrom } from "../helpers/config.ts";

const BASE_SHA = "b".repeat(40);
const config = configFrom(`
name: r
command: [x]
objective: {metric: acc, goal: maximize}
parameters:
  lr: {type: float, min: 0.001, max: 1, scale: log, default: 0.01}
resource: {name: epochs, min: 1, max: 9}
repeats: 3
budget: {max_trials: 4, parallel: 2}
`);

/** Round 1 with the reference run added, as the Action's plan step does when the base branch has no study. */
function firstRound(): { study: Study; runs: { trialId: number; attempt: number; member?: number }[] } {
  const plan = planRound(config, createStudy(config));
  assert.equal(plan.kind, "round");
  if (plan.kind !== "round") throw new Error("unreachable");
  const added = addReferenceRun(config, plan.study, BASE_SHA);
  assert.equal(added.kind, "added");
  if (added.kind !== "added") throw new Error("unreachable");
  return { study: added.study, runs: [...plan.runs, ...added.runs] };
}

describe("the reference run on the base branch", () => {
  it("joins round 1 as the defaults at full resource, every member, on the base commit", () => {
    const { study, runs } = firstRound();
    const ref = referenceTrial(study)!;
    assert.deepEqual(
      { id: ref.id, round: ref.round, params: ref.params, resource: ref.resource, ref: ref.ref },
      { id: 2, round: 1, params: { lr: 0.01 }, resource: 9, ref: BASE_SHA },
    );
    assert.equal(study.rounds.length, 1);
    assert.deepEqual(
      study.rounds[0]!.runs.filter((r) => r.trialId === 2),
      [0, 1, 2].map((member) => ({ trialId: 2, attempt: 1, member })),
    );
    assert.equal(runs.length, 9, "two search trials and the reference, three members each");
    const payloads = payloadsFor(config, study, 1, runs).filter((p) => p.trial === 2);
    assert.deepEqual(
      payloads.map((p) => [p.ref, p.params, p.member?.seed]),
      [0, 1, 2].map((seed) => [BASE_SHA, { lr: 0.01, epochs: 9 }, seed]),
    );
    assert.ok(
      payloadsFor(config, study, 1, runs)
        .filter((p) => p.trial !== 2)
        .every((p) => p.ref === undefined),
    );
    assert.deepEqual(addReferenceRun(config, study, BASE_SHA), {
      kind: "skipped",
      reason: "the study already has its reference run",
    });
  });

  it("is not part of the search: not the best, not counted in max_trials, not seen by the strategy", () => {
    let { study, runs } = firstRound();
    // The reference scores best of all; the search must still report its own best.
    for (const r of runs)
      study = recordAttempt(study, {
        ...evaluatedAttempt({ trialId: r.trialId, attempt: r.attempt }, r.trialId === 2 ? 0.99 : 0.5 + r.trialId / 10),
        member: r.member,
      });
    assert.equal(bestTrial(study.config, study)?.id, 1);
    const next = planRound(config, study);
    assert.equal(next.kind, "round");
    if (next.kind !== "round") return;
    // max_trials 4 counts the search's trials only: two more, ids 3 and 4.
    assert.deepEqual([...new Set(next.runs.map((r) => r.trialId))], [3, 4]);
    assert.equal(searchTrials(next.study).length, 4);
  });

  it("is what the comparison measures the best trial against, with each side's members", () => {
    let { study, runs } = firstRound();
    const values: Record<number, number[]> = { 0: [0.9, 0.91, 0.9], 1: [0.95, 0.96, 0.955], 2: [0.8, 0.81, 0.79] };
    for (const r of runs)
      study = recordAttempt(study, {
        ...evaluatedAttempt({ trialId: r.trialId, attempt: r.attempt }, values[r.trialId]![r.member!]!),
        member: r.member,
      });
    const c = compareWithReference(config, { study, label: "this pull request" }, "main")!;
    assert.equal(c.candidate.n, 3);
    assert.equal(c.baseline.n, 3);
    assert.equal(c.baseline.label, "main with the defaults");
    assert.equal(c.baseline.ref, BASE_SHA);
    assert.equal(c.verdict, "better");
    assert.deepEqual(
      c.changedParams.map((p) => p.name),
      ["lr"],
    );
  });

  it("is skipped, with the reason, when a parameter has no default", () => {
    const noDefault = configFrom(`
name: r
command: [x]
objective: {metric: acc, goal: maximize}
parameters:
  lr: {type: float, min: 0.001, max: 1}
  wd: {type: float, min: 0, max: 1, default: 0}
`);
    const plan = planRound(noDefault, createStudy(noDefault));
    assert.deepEqual(addReferenceRun(noDefault, plan.study, BASE_SHA), {
      kind: "skipped",
      reason: "the defaults cannot run on the base branch: lr has no default",
    });
  });
});

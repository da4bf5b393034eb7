import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planRound } from "../../src/engine/plan.ts";
import { bestJson, bestJsonSchema, studyJson, studyJsonSchema } from "../../src/report/json.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy, markRunning, recordAttempt } from "../../src/study/study.ts";
import { type Outcome, runAttempt } from "../helpers/attempts.ts";
import { configFrom } from "../helpers/config.ts";

/** 2 repeats: two members per trial, three trials in one round. */
const config = configFrom(`
name: j
command: [x]
objective: {metric: loss, goal: minimize}
parameters:
  x: {type: float, min: 0, max: 1}
repeats: 2
budget: {max_trials: 3, parallel: 3}
`);

/** The first round, with each member's outcome recorded in the order given (as they might finish). */
function studyWith(outcomes: [trial: number, member: number, outcome: Outcome][]): Study {
  const plan = planRound(config, createStudy(config));
  if (plan.kind !== "round") throw new Error("expected a round");
  let study = markRunning(plan.study, [0, 1, 2]);
  for (const [trial, member, v] of outcomes) study = recordAttempt(study, runAttempt(trial, 1, member, v));
  return study;
}

describe("report --json", () => {
  it("holds every trial with its members in member order, the counts and the best", () => {
    const study = studyWith([
      [0, 1, 0.4],
      [0, 0, 0.2],
      [1, 0, "fail"],
      [1, 1, "prune"],
      [2, 0, 0.1],
    ]);
    const json = studyJsonSchema.parse(studyJson(study));
    assert.equal(json.version, 1);
    assert.equal(json.status, "unfinished");
    assert.equal(json.stop, null);
    assert.deepEqual(json.counts, { trials: 3, succeeded: 1, failed: 0, pruned: 1, pending: 0, running: 1 });
    assert.deepEqual(
      json.trials.map((t) => [t.id, t.status, t.value, t.members.map((m) => [m.member, m.status, m.value])]),
      [
        [
          0,
          "succeeded",
          0.30000000000000004,
          [
            [0, "succeeded", 0.2],
            [1, "succeeded", 0.4],
          ],
        ],
        [
          1,
          "pruned",
          null,
          [
            [0, "failed", null],
            [1, "pruned", 9],
          ],
        ],
        [2, "running", null, [[0, "succeeded", 0.1]]],
      ],
    );
    assert.equal(json.trials[1]!.members[0]!.reason, "exited with code 1");
    assert.deepEqual(json.best, { trial: 0, value: json.trials[0]!.value, params: study.trials[0]!.params });
  });

  it("a finished study says why it stopped", () => {
    const study = studyWith([0, 1, 2].flatMap((t) => [0, 1].map((m): [number, number, Outcome] => [t, m, t + 1])));
    const done = planRound(config, study);
    assert.equal(done.kind, "done");
    const json = studyJson(done.study);
    assert.equal(json.status, "finished");
    assert.equal(json.stop?.code, "max_trials");
    assert.equal(json.best?.trial, 0);
  });
});

describe("best.json", () => {
  it("is the best trial so far, or trial null before any succeeded", () => {
    const none = bestJsonSchema.parse(bestJson(studyWith([[0, 0, "fail"]])));
    assert.deepEqual(none, {
      version: 1,
      study: "j",
      metric: "loss",
      goal: "minimize",
      trial: null,
      value: null,
      params: null,
    });
    // Trial 0 is still running: a trial counts once all its members are in.
    const study = studyWith([
      [0, 0, 0.1],
      [1, 0, 0.5],
      [1, 1, 0.5],
      [2, 0, 0.25],
      [2, 1, 0.25],
    ]);
    assert.deepEqual(bestJsonSchema.parse(bestJson(study)), {
      version: 1,
      study: "j",
      metric: "loss",
      goal: "minimize",
      trial: 2,
      value: 0.25,
      params: study.trials[2]!.params,
    });
  });
});

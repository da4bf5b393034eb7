/**
 * Several objectives and constraints through the engine: which trial is the
 * result, when a study is done, and a constrained study whose unconstrained
 * optimum is infeasible.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { paretoFront } from "../../src/pareto/front.ts";
import { scoreTrials } from "../../src/pareto/scores.ts";
import type { Trial } from "../../src/protocol/trial.ts";
import { bestTrial } from "../../src/study/best.ts";
import { completion, roundsWithoutImprovement } from "../../src/study/completion.ts";
import { configFrom } from "../helpers/config.ts";
import { simulateStudy } from "../helpers/simulate.ts";

const twoObjectives = (extra = "", values = "[0, 1, 2, 3, 4, 5]") =>
  configFrom(`
name: mo
command: [x]
objective:
  - {metric: acc, goal: maximize}
  - {metric: ms, goal: minimize}
strategy: grid
parameters:
  k: {type: categorical, values: ${values}}
${extra}
`);

/** Per configuration k: accuracy and latency, a trade-off with one dominated point (k = 3) and one infeasible (k = 5, gpu too big). */
const TABLE: Record<number, { acc: number; ms: number; gpu: number }> = {
  0: { acc: 0.8, ms: 5, gpu: 1 },
  1: { acc: 0.9, ms: 10, gpu: 2 },
  2: { acc: 0.95, ms: 30, gpu: 3 },
  3: { acc: 0.85, ms: 12, gpu: 2 },
  4: { acc: 0.97, ms: 60, gpu: 3.5 },
  5: { acc: 0.99, ms: 8, gpu: 8 },
  // Dominated by k = 1, but lighter on the GPU.
  6: { acc: 0.88, ms: 11, gpu: 1.5 },
};

async function run(config: Config) {
  const { study } = await simulateStudy(config, (trial) => {
    const row = TABLE[Number(trial.params.k)]!;
    return { value: row.acc, metrics: { ...row } };
  });
  return study;
}
const k = (t: Trial | undefined) => (t === undefined ? undefined : Number(t.params.k));

describe("the result of a study with several objectives", () => {
  it("is on the feasible front: dominated and infeasible trials never are", async () => {
    const config = twoObjectives("constraints: [{metric: gpu, max: 4}]");
    const study = await run(config);
    const front = paretoFront(scoreTrials(config, study.trials)).map((s) => k(s.trial));
    assert.deepEqual(front, [0, 1, 2, 4], "k = 3 is dominated by k = 1, k = 5 is infeasible");
    // Nearest the ideal (acc 0.97, ms 5) with both scaled over the front: k = 1 (0.41 away) beats k = 0 (1) and k = 2 (0.5).
    assert.equal(k(bestTrial(config, study)), 1);
  });

  it("lets a trial dominate others only while it is feasible", async () => {
    const unconstrained = twoObjectives();
    const study = await run(unconstrained);
    // Without the limit, k = 5 (0.99 at 8 ms) dominates every trial but the fastest.
    assert.deepEqual(
      paretoFront(scoreTrials(unconstrained, study.trials)).map((s) => k(s.trial)),
      [0, 5],
    );
  });

  it("is chosen by select: the best of a metric within its limits", async () => {
    const config = twoObjectives(
      "constraints: [{metric: gpu, max: 4}]\nselect: {metric: acc, subject_to: [{metric: ms, max: 40}]}",
    );
    const study = await run(config);
    assert.equal(k(bestTrial(config, study)), 2, "the most accurate within 40 ms");
    const none = { ...config, select: { metric: "acc", subject_to: [{ metric: "ms", max: 1 }] } };
    assert.equal(bestTrial(none, study), undefined, "no trial meets select's limits");
  });

  it("reaches its targets only when one feasible trial meets every one", async () => {
    const config = twoObjectives("constraints: [{metric: gpu, max: 4}]");
    const study = await run(config);
    const withTargets = (acc: number, ms: number): Config => ({
      ...config,
      objective: [
        { metric: "acc", goal: "maximize", target: acc },
        { metric: "ms", goal: "minimize", target: ms },
      ],
    });
    assert.match(completion(withTargets(0.9, 10), study)?.message ?? "", /trial 1 reached every target: acc 0.9/);
    // k = 5 meets both (0.99 at 8 ms) but is infeasible; k = 4 meets acc only, k = 0 ms only.
    assert.notEqual(completion(withTargets(0.96, 9), study)?.code, "target_reached");
  });
});

describe("patience with several objectives", () => {
  it("counts the rounds that left the front where it was", async () => {
    const config: Config = {
      ...twoObjectives(),
      budget: { ...twoObjectives().budget, parallel: 1, max_trials: 6 },
    };
    const study = await run(config);
    // Rounds by k: 0, 1, 2 each extend the front; 3 is dominated; 4 and 5 extend it.
    assert.equal(roundsWithoutImprovement(config, study), 0);
    const firstFour = { ...study, rounds: study.rounds.slice(0, 4), trials: study.trials.slice(0, 4) };
    assert.equal(roundsWithoutImprovement(config, firstFour), 1);
  });
});

describe("a constrained study whose unconstrained optimum is infeasible", () => {
  it("ends with the best feasible trial, and never recommends one outside the limit", async () => {
    // Minimise (x − 0.8)² subject to x ≤ 0.5: the unconstrained optimum 0.8 is out, the constrained one is 0.5.
    const config = configFrom(`
name: c
command: [x]
objective: {metric: loss, goal: minimize}
constraints: [{metric: x_used, max: 0.5}]
strategy: grid
parameters:
  x: {type: float, min: 0, max: 1, points: 11}
`);
    const { study } = await simulateStudy(config, (trial) => {
      const x = Number(trial.params.x);
      return { value: (x - 0.8) ** 2, metrics: { loss: (x - 0.8) ** 2, x_used: x } };
    });
    const best = bestTrial(config, study)!;
    assert.equal(best.params.x, 0.5);
    const unconstrained = bestTrial({ ...config, constraints: [] }, study)!;
    assert.equal(unconstrained.params.x, 0.8, "without the limit, the optimum is 0.8");
  });
});

describe("select with a limit on a metric that is not an objective", () => {
  it("chooses only among the front, never a trial that another feasible trial dominates", async () => {
    // gpu is not an objective. Within gpu ≤ 1.5 the most accurate trial is k = 6, but k = 1
    // (more accurate and faster, gpu 2) dominates it: of the front, only k = 0 is within the limit.
    const config = twoObjectives(
      "constraints: [{metric: gpu, max: 4}]\nselect: {metric: acc, subject_to: [{metric: gpu, max: 1.5}]}",
      "[0, 1, 2, 3, 4, 5, 6]",
    );
    const study = await run(config);
    assert.equal(k(bestTrial(config, study)), 0);
    const loose = { ...config, select: { metric: "acc", subject_to: [{ metric: "gpu", max: 2 }] } };
    assert.equal(k(bestTrial(loose, study)), 1);
  });
});

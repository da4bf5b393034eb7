import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { driveStudy } from "../../src/driver/drive.ts";
import { inProcessBackend } from "../../src/driver/in-process.ts";
import { hypervolume, hypervolumeImprovement } from "../../src/pareto/hypervolume.ts";
import { improvementOver } from "../../src/pareto/improvement.ts";
import { isFeasible, scoreTrials } from "../../src/pareto/scores.ts";
import type { Trial } from "../../src/protocol/trial.ts";
import { buildSpace, type Params, paramsKey } from "../../src/space/space.ts";
import { bayesProposer } from "../../src/strategy/bayes/index.ts";
import type { ProposeInput } from "../../src/strategy/strategy.ts";
import { bestTrial } from "../../src/study/best.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy } from "../../src/study/study.ts";
import { createRng } from "../../src/util/rng.ts";
import { configFrom } from "../helpers/config.ts";

/** Runs a study to its end, every trial's metrics computed by `f` (the first objective's metric included). */
async function run(config: Config, f: (p: Params) => Record<string, number>): Promise<Study> {
  const first = config.objective[0].metric;
  const backend = inProcessBackend((t) => {
    const metrics = f(t.params);
    return { value: metrics[first]!, metrics };
  });
  return (await driveStudy(config, createStudy(config), backend)).study;
}

const num = (p: Params, k: string) => Number(p[k]);

/** A finished trial with these metrics (the first objective's value is `metrics[first]`). */
function finished(id: number, params: Params, first: string, metrics: Record<string, number>): Trial {
  const outcome = { durationMs: 1, exitCode: 0, signal: null, intermediate: [], logTail: "" };
  return {
    id,
    round: 1,
    params,
    status: "succeeded",
    attempts: [{ trialId: id, attempt: 1, status: "succeeded", value: metrics[first]!, metrics, ...outcome }],
  };
}

const constrained = (seed: number) =>
  configFrom(`
name: t
command: [x]
objective: {metric: loss, goal: minimize}
constraints: [{metric: total, max: 0}]
strategy: bayes
seed: ${seed}
budget: {max_trials: 28, parallel: 4}
parameters:
  x: {type: float, min: -2, max: 2}
  y: {type: float, min: -2, max: 2}
`);

/** Unconstrained optimum (1, 1), outside x + y ≤ 0; the constrained one is (0, 0) with loss 2. */
const bowl = (p: Params) => {
  const x = num(p, "x");
  const y = num(p, "y");
  return { loss: (x - 1) ** 2 + (y - 1) ** 2, total: x + y };
};

const twoObjectives = (strategy: string, seed: number) =>
  configFrom(`
name: t
command: [x]
objective: [{metric: f1, goal: minimize}, {metric: f2, goal: maximize}]
strategy: ${strategy}
seed: ${seed}
budget: {max_trials: 40, parallel: 4}
parameters:
  a: {type: float, min: 0, max: 1}
  b: {type: float, min: 0, max: 1}
  c: {type: float, min: 0, max: 1}
  d: {type: float, min: 0, max: 1}
`);

/** ZDT1 in four dimensions, its second objective maximised (negated), so the goals' orientation is exercised. */
const zdt1 = (p: Params) => {
  const [a, ...rest] = ["a", "b", "c", "d"].map((k) => num(p, k));
  const g = 1 + (9 / 3) * rest.reduce((s, v) => s + v, 0);
  return { f1: a!, f2: -(g * (1 - Math.sqrt(a! / g))) };
};

/** The hypervolume of a study's feasible trials, as losses, w.r.t. `ref`. */
function studyHv(config: Config, study: Study, ref: number[]): number {
  return hypervolume(
    scoreTrials(config, study.trials)
      .filter(isFeasible)
      .map((s) => [...s.loss]),
    ref,
  );
}

describe("bayes with constraints and several objectives", () => {
  it("improvementOver agrees with the hypervolume difference in 2, 3 and 4 dimensions", () => {
    const rng = createRng(11);
    for (const d of [2, 3, 4])
      for (let t = 0; t < 60; t++) {
        const front = Array.from({ length: 1 + rng.int(12) }, () => Array.from({ length: d }, () => rng.next()));
        const ref = Array.from({ length: d }, () => 0.8 + 0.4 * rng.next());
        const gain = improvementOver(front, ref);
        for (let s = 0; s < 8; s++) {
          const p = Array.from({ length: d }, () => 1.1 * rng.next() - 0.1);
          const expected = hypervolumeImprovement(p, front, ref);
          assert.ok(Math.abs(gain(p) - expected) < 1e-12, `d=${d}: ${gain(p)} against ${expected}`);
        }
      }
  });

  it("ends a constrained study with a feasible best near the constrained optimum, not the unconstrained one", async () => {
    for (const seed of [1, 2, 3]) {
      const config = constrained(seed);
      const study = await run(config, bowl);
      const best = bestTrial(config, study)!;
      const { loss, total } = bowl(best.params);
      assert.ok(total <= 0, `seed ${seed}: best is infeasible (x + y = ${total})`);
      assert.ok(loss < 2.2, `seed ${seed}: best loss ${loss}, the constrained optimum is 2`);
    }
  });

  it("covers more of a two-objective front than random search", async () => {
    const ref = [1.1, 11];
    for (const seed of [1, 2, 3]) {
      const bayes = await run(twoObjectives("bayes", seed), zdt1);
      const random = await run(twoObjectives("random", seed), zdt1);
      const ours = studyHv(twoObjectives("bayes", seed), bayes, ref);
      const theirs = studyHv(twoObjectives("random", seed), random, ref);
      assert.ok(ours > theirs, `seed ${seed}: bayes hypervolume ${ours} against random's ${theirs}`);
    }
  });

  const space = buildSpace(twoObjectives("bayes", 0).parameters);
  const grid = (n: number): Trial[] =>
    Array.from({ length: n }, (_, i) => {
      const params = { a: ((i * 7) % n) / n, b: ((i * 3) % n) / n, c: (i % 5) / 5, d: 0.5 };
      return finished(i, params, "f1", zdt1(params));
    });
  const input = (trials: Trial[], count: number): ProposeInput => ({
    space,
    ...twoObjectives("bayes", 0),
    trials,
    count,
    seed: 5,
  });

  it("proposes a batch of distinct, untried configurations, the same for the same seed", () => {
    const trials = grid(12);
    const batch = bayesProposer.propose(input(trials, 8));
    assert.equal(batch.length, 8);
    const keys = new Set(batch.map(paramsKey));
    assert.equal(keys.size, 8);
    for (const t of trials) assert.ok(!keys.has(paramsKey(t.params)));
    assert.deepEqual(bayesProposer.propose(input(trials, 8)), batch);
  });

  it("counts running trials: the batch moves away from where they run", () => {
    const trials = grid(12);
    const alone = bayesProposer.propose(input(trials, 1))[0]!;
    const running: Trial = { id: 12, round: 2, params: alone, status: "running", attempts: [] };
    const next = bayesProposer.propose(input([...trials, running], 1))[0]!;
    assert.notEqual(paramsKey(next), paramsKey(alone));
  });

  it("searches for the feasible region alone while no trial is feasible", () => {
    const config = configFrom(`
name: t
command: [x]
objective: {metric: loss, goal: minimize}
constraints: [{metric: x_value, min: 0.8}]
strategy: bayes
budget: {max_trials: 40, parallel: 4}
parameters:
  x: {type: float, min: 0, max: 1}
  y: {type: float, min: 0, max: 1}
`);
    const sp = buildSpace(config.parameters);
    // Every trial so far has x < 0.5: infeasible, and the loss is lowest at x = 0.
    const trials = Array.from({ length: 10 }, (_, i) => {
      const params = { x: (i % 5) / 10, y: i / 10 };
      return finished(i, params, "loss", { loss: params.x + params.y, x_value: params.x });
    });
    const pi: ProposeInput = { space: sp, ...config, trials, count: 4, seed: 3 };
    assert.match(bayesProposer.explain!(pi)!, /no feasible trial yet/);
    for (const p of bayesProposer.propose(pi))
      assert.ok(num(p, "x") > 0.5, `x = ${p.x} looks where no trial is feasible`);
    // Once one trial is feasible, the note goes.
    const feasible = finished(10, { x: 0.9, y: 0.1 }, "loss", { loss: 1, x_value: 0.9 });
    assert.equal(bayesProposer.explain!({ ...pi, trials: [...trials, feasible] }), undefined);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runMoStudy } from "../../bench/mo-harness.ts";
import { MO_PROBLEMS, type MoProblem } from "../../bench/mo-problems.ts";
import type { Config } from "../../src/config/schema.ts";
import { driveStudy } from "../../src/driver/drive.ts";
import { evaluatedAttempt, inProcessBackend } from "../../src/driver/in-process.ts";
import { paretoFront } from "../../src/pareto/front.ts";
import { bestFirst } from "../../src/pareto/order.ts";
import { scoreTrials } from "../../src/pareto/scores.ts";
import type { Goals } from "../../src/protocol/objective.ts";
import { buildSpace, type Params, paramsKey } from "../../src/space/space.ts";
import { tpeProposer } from "../../src/strategy/tpe/index.ts";
import { splitRanks } from "../../src/strategy/tpe/ranking.ts";
import { bestTrial } from "../../src/study/best.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy, openRound, recordAttempt } from "../../src/study/study.ts";
import { configFrom, MIXED_SPACE } from "../helpers/config.ts";

/** A study whose trials have these metrics (the first objective's as the value) and parameters, in order. */
function studyOf(
  config: Config,
  metrics: readonly Record<string, number>[],
  params: readonly Params[] = metrics.map((_, i) => ({ x: i / 100, y: 0.5 })),
): Study {
  const first = config.objective[0].metric;
  const opened = openRound(
    createStudy(config),
    params.map((p) => ({ params: p })),
    [],
  );
  return opened.runs.reduce(
    (s, run, i) => recordAttempt(s, evaluatedAttempt(run, { value: metrics[i]![first]!, metrics: metrics[i]! })),
    opened.study,
  );
}

const twoObjectives = configFrom(`
name: mo
command: [x]
objective: [{metric: f1, goal: minimize}, {metric: f2, goal: minimize}]
parameters:
  x: {type: float, min: 0, max: 1}
  y: {type: float, min: 0, max: 1}
`);

/** The trials tpe's split ranks first, best first. */
const goodOf = (goals: Goals, study: Study, n: number): number[] => {
  const { loss } = splitRanks(goals, study.trials, () => n);
  return study.trials
    .map((t, i) => ({ id: t.id, loss: loss[i] }))
    .filter((r) => r.loss !== undefined && r.loss < n)
    .sort((a, b) => a.loss! - b.loss!)
    .map((r) => r.id);
};

describe("tpe with several objectives", () => {
  it("the good group is the Pareto front, not the trials best at the first objective", () => {
    const study = studyOf(twoObjectives, [
      { f1: 0.2, f2: 0.95 }, // dominated by trial 2, yet second best at f1
      { f1: 0.9, f2: 0.1 },
      { f1: 0.1, f2: 0.9 },
      { f1: 0.5, f2: 0.5 },
      { f1: 0.6, f2: 0.6 },
    ]);
    assert.deepEqual(new Set(goodOf(twoObjectives, study, 3)), new Set([1, 2, 3]));
  });

  it("a front larger than the good group gives its places to the points adding most hypervolume", () => {
    // Five points on a line: the middle one adds most, then its neighbours; an end adds least.
    const line = [0, 0.25, 0.5, 0.75, 1].map((a) => ({ loss: [a, 1 - a], violation: 0 }));
    assert.deepEqual(bestFirst(line, 3), [2, 1, 3, 0, 4]);
    // A dominated point never enters before the front is spent.
    assert.deepEqual(
      bestFirst([{ loss: [0.4, 0.6], violation: 0 }, ...line], 5)
        .slice(0, 5)
        .sort(),
      [1, 2, 3, 4, 5],
    );
  });

  it("constraints: feasible trials come first, then the infeasible ones by how far they miss", () => {
    const constrained = { ...twoObjectives, objective: [twoObjectives.objective[0]] as Config["objective"] };
    const goals: Goals = { objective: constrained.objective, constraints: [{ metric: "c", max: 0 }] };
    const study = studyOf(constrained, [
      { f1: 0.0, c: 2 },
      { f1: 0.9, c: 0 },
      { f1: 0.1, c: 0.5 },
      { f1: 0.5, c: -1 },
    ]);
    assert.deepEqual(goodOf(goals, study, 4), [3, 1, 2, 0]);
    const note = tpeProposer.explain?.({
      ...goals,
      space: buildSpace(constrained.parameters),
      trials: study.trials.filter((t) => t.id !== 1 && t.id !== 3),
      count: 1,
      seed: 0,
    });
    assert.match(note ?? "", /no result meets the constraints/);
  });

  const fourObjectives = configFrom(
    MIXED_SPACE.replace(
      "objective: {metric: loss, goal: minimize}",
      "objective: [{metric: a, goal: minimize}, {metric: b, goal: maximize}, {metric: c, goal: minimize}, {metric: d, goal: minimize}]",
    ),
  );
  const space = buildSpace(fourObjectives.parameters);
  /** 30 results of four objectives on the mixed conditional space, from tpe's own proposals. */
  const results = (): Study => {
    const params: Params[] = tpeProposer.propose({ ...fourObjectives, space, trials: [], count: 30, seed: 3 });
    const metrics = params.map((p) => {
      const lr = Math.log10(p.lr as number);
      const w = Math.log2(p.width as number);
      return {
        a: (lr + 2) ** 2,
        b: w - (p.layers as number),
        c: (p.dropout as number) + w / 8,
        d: Math.abs(lr + w / 4),
      };
    });
    return studyOf(fourObjectives, metrics, params);
  };

  it("a batch is distinct from itself and every trial so far, and the same input gives the same batch", () => {
    const study = results();
    const input = { ...fourObjectives, space, trials: study.trials, count: 8, seed: 5 };
    const batch = tpeProposer.propose(input);
    assert.equal(batch.length, 8);
    const keys = new Set([...study.trials.map((t) => paramsKey(t.params)), ...batch.map(paramsKey)]);
    assert.equal(keys.size, study.trials.length + 8);
    assert.deepEqual(tpeProposer.propose(input), batch);
  });

  it("finds more of the front than random search (hypervolume regret over three seeds)", async () => {
    const total = async (problem: MoProblem, strategy: "tpe" | "random") => {
      let sum = 0;
      for (const seed of [0, 1, 2]) sum += (await runMoStudy(problem, strategy, 4, seed)).regret;
      return sum;
    };
    for (const name of ["zdt1", "constr", "mixed_model"]) {
      const problem = MO_PROBLEMS.find((p) => p.name === name)!;
      const [tpe, random] = [await total(problem, "tpe"), await total(problem, "random")];
      assert.ok(tpe < 0.8 * random, `${name}: tpe's regret ${tpe} is not clearly below random's ${random}`);
    }
  });
});

describe("random, sobol and grid with two objectives and a constraint", () => {
  for (const strategy of ["random", "sobol", "grid"] as const)
    it(`${strategy} runs a whole study and recommends a feasible trial of the front`, async () => {
      const config = configFrom(`
name: mo-${strategy}
command: [x]
objective: [{metric: f1, goal: minimize}, {metric: f2, goal: maximize}]
constraints: [{metric: c, min: 0.2}]
strategy: ${strategy}
parameters:
  a: {type: int, min: 0, max: 4}
  b: {type: categorical, values: [p, q, r]}
budget: {max_trials: 15, parallel: 4}
`);
      const backend = inProcessBackend((trial) => {
        const a = trial.params.a as number;
        const metrics = { f1: a, f2: a * a + (trial.params.b === "q" ? 1 : 0), c: a / 4 };
        return { value: metrics.f1, metrics };
      });
      const { study } = await driveStudy(config, createStudy(config), backend);
      assert.equal(new Set(study.trials.map((t) => paramsKey(t.params))).size, 15, "every point of the space once");
      const front = paretoFront(scoreTrials(config, study.trials));
      // Feasible (a ≥ 1) and not dominated: b = q at every a.
      assert.deepEqual(front.map((s) => `${s.trial.params.a}${s.trial.params.b}`).sort(), ["1q", "2q", "3q", "4q"]);
      const best = bestTrial(config, study);
      assert.ok(best && front.some((s) => s.trial.id === best.id));
    });
});

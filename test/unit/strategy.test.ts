import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { buildSpace, paramsKey } from "../../src/space/space.ts";
import { strategyFor } from "../../src/strategy/registry.ts";
import type { Study } from "../../src/study/schema.ts";
import { configFrom, MIXED_SPACE } from "../helpers/config.ts";
import { simulateStudy } from "../helpers/simulate.ts";

const mixed = configFrom(MIXED_SPACE);

/** Runs a study to completion with an objective computed in-process. */
const simulate = async (config: Config, f: (p: Record<string, unknown>) => number): Promise<Study> =>
  (await simulateStudy(config, (t) => f(t.params))).study;

const withStrategy = (
  config: Config,
  strategy: Config["strategy"],
  budget: Partial<Config["budget"]> = {},
): Config => ({
  ...config,
  strategy,
  budget: { ...config.budget, ...budget },
});

describe("strategies", () => {
  for (const name of ["random", "sobol"] as const) {
    it(`${name}: the same seed gives the same trials, another seed others`, async () => {
      const config = withStrategy(mixed, name, { max_trials: 12, parallel: 4 });
      const a = (await simulate(config, () => 1)).trials.map((t) => t.params);
      const b = (await simulate(config, () => 1)).trials.map((t) => t.params);
      const c = (await simulate({ ...config, seed: 1 }, () => 1)).trials.map((t) => t.params);
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, c);
    });

    it(`${name}: trials do not depend on how they were batched into rounds`, async () => {
      const one = await simulate(withStrategy(mixed, name, { max_trials: 12, parallel: 1 }), () => 1);
      const four = await simulate(withStrategy(mixed, name, { max_trials: 12, parallel: 4 }), () => 1);
      assert.deepEqual(
        one.trials.map((t) => t.params),
        four.trials.map((t) => t.params),
      );
      assert.equal(one.rounds.length, 12);
      assert.equal(four.rounds.length, 3);
    });

    it(`${name}: never repeats a configuration, and stops when a small space is used up`, async () => {
      const small = configFrom(`
name: t
command: [x]
objective: {metric: m, goal: minimize}
strategy: ${name}
budget: {max_trials: 50, parallel: 4}
parameters:
  a: {type: categorical, values: [1, 2, 3]}
  b: {type: int, min: 0, max: 2}
`);
      const study = await simulate(small, () => 1);
      const keys = study.trials.map((t) => paramsKey(t.params));
      assert.equal(new Set(keys).size, keys.length);
      assert.equal(study.trials.length, 9);
      assert.equal(study.stop?.code, "exhausted");
    });
  }

  it("sobol covers a 2-D space more evenly than random (fewer empty cells of a 4x4 grid)", () => {
    const cfg = (s: Config["strategy"]) =>
      configFrom(`
name: t
command: [x]
objective: {metric: m, goal: minimize}
strategy: ${s}
parameters:
  x: {type: float, min: 0, max: 1}
  y: {type: float, min: 0, max: 1}
`);
    const emptyCells = (s: "random" | "sobol", seed: number) => {
      const params = strategyFor(s).proposer!.propose({
        space: buildSpace(cfg(s).parameters),
        objective: cfg(s).objective,
        constraints: [],
        trials: [],
        count: 16,
        seed,
      });
      const cells = new Set(params.map((p) => `${Math.floor(Number(p.x) * 4)},${Math.floor(Number(p.y) * 4)}`));
      return 16 - cells.size;
    };
    for (let seed = 0; seed < 5; seed++) assert.equal(emptyCells("sobol", seed), 0, `sobol seed ${seed}`);
    const randomEmpty = [0, 1, 2, 3, 4].map((s) => emptyCells("random", s));
    assert.ok(
      randomEmpty.every((e) => e > 0),
      `random left ${randomEmpty} cells empty`,
    );
  });

  it("grid: runs every point once, in order, then stops as exhausted", async () => {
    const config = configFrom(`
name: t
command: [x]
objective: {metric: m, goal: maximize}
strategy: grid
budget: {max_trials: 100, parallel: 4}
parameters:
  a: {type: int, min: 1, max: 3}
  b: {type: categorical, values: [p, q]}
`);
    const study = await simulate(config, (p) => Number(p.a));
    assert.deepEqual(
      study.trials.map((t) => `${t.params.a}${t.params.b}`),
      ["1p", "1q", "2p", "2q", "3p", "3q"],
    );
    assert.equal(study.stop?.code, "exhausted");
  });

  it("every proposal is a valid configuration of the mixed space", async () => {
    for (const name of ["random", "sobol"] as const) {
      const study = await simulate(withStrategy(mixed, name, { max_trials: 60, parallel: 8 }), () => 1);
      for (const { params: p } of study.trials) {
        assert.ok(Number(p.lr) >= 1e-4 && Number(p.lr) <= 1);
        assert.ok([0, 0.1, 0.2, 0.3, 0.4, 0.5].includes(Number(p.dropout)));
        assert.ok(Number.isInteger(p.layers) && Number(p.layers) >= 1 && Number(p.layers) <= 4);
        assert.equal(p.epochs, 10);
        assert.equal("momentum" in p, p.optimizer === "sgd");
        assert.equal("beta2" in p, p.optimizer !== "sgd");
      }
    }
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { trialValue } from "../../src/protocol/trial-value.ts";
import { buildSpace, decode, type Params, paramsKey } from "../../src/space/space.ts";
import type { Proposer } from "../../src/strategy/strategy.ts";
import { geometryOf } from "../../src/strategy/tpe/geometry.ts";
import { createTpe, tpeProposer } from "../../src/strategy/tpe/index.ts";
import { bestTrial } from "../../src/study/best.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy, openRound, recordAttempt } from "../../src/study/study.ts";
import { runAttempt } from "../helpers/attempts.ts";
import { configFrom, MIXED_SPACE } from "../helpers/config.ts";
import { simulateStudy } from "../helpers/simulate.ts";

/** The objective of a trial, or undefined to record it as failed. */
type Objective = (p: Params, id: number) => number | undefined;

function record(study: Study, trialId: number, attempt: number, value: number | undefined): Study {
  return recordAttempt(study, runAttempt(trialId, attempt, undefined, value ?? "fail"));
}

/** Runs a study through the round driver, as the shells do. */
const simulate = async (config: Config, f: Objective): Promise<Study> =>
  (await simulateStudy(config, (t) => f(t.params, t.id))).study;

/** Runs a study with a strategy that is not registered (a TPE variant), rounds of `q`. */
function simulateWith(strategy: Proposer, config: Config, q: number, f: Objective): Study {
  const space = buildSpace(config.parameters);
  let study = createStudy(config);
  while (study.trials.length < config.budget.max_trials) {
    const count = Math.min(q, config.budget.max_trials - study.trials.length);
    const params = strategy.propose({
      space,
      objective: config.objective,
      constraints: [],
      trials: study.trials,
      count,
      seed: config.seed,
    });
    if (params.length === 0) break;
    const opened = openRound(
      study,
      params.map((p) => ({ params: p })),
      [],
    );
    study = opened.study;
    for (const run of opened.runs)
      study = record(study, run.trialId, 1, f(study.trials[run.trialId]!.params, run.trialId));
  }
  return study;
}

const tpe = (yaml: string, budget: Partial<Config["budget"]> = {}, seed = 0): Config => {
  const config = configFrom(yaml);
  return { ...config, strategy: "tpe", seed, budget: { ...config.budget, ...budget } };
};

const mixed = tpe(MIXED_SPACE, { max_trials: 48, parallel: 8, max_failures: 48 });
const mixedLoss: Objective = (p) =>
  (Math.log10(Number(p.lr)) + 2) ** 2 +
  Number(p.dropout) +
  (Number(p.layers) - 3) ** 2 / 4 +
  (p.optimizer === "adam" ? 0 : 0.5);

function assertValidMixed(params: Params): void {
  assert.ok(Number(params.lr) >= 1e-4 && Number(params.lr) <= 1, `lr ${params.lr}`);
  assert.ok([0, 0.1, 0.2, 0.3, 0.4, 0.5].includes(Number(params.dropout)), `dropout ${params.dropout}`);
  assert.ok(Number.isInteger(params.layers) && Number(params.layers) >= 1 && Number(params.layers) <= 4);
  assert.ok(Number.isInteger(params.width) && Number(params.width) >= 16 && Number(params.width) <= 256);
  assert.ok([16, 32, 48, 64, 80, 96, 112, 128].includes(Number(params.batch)), `batch ${params.batch}`);
  assert.ok(["sgd", "adam", "rmsprop"].includes(String(params.optimizer)));
  assert.equal(params.epochs, 10);
  assert.equal("momentum" in params, params.optimizer === "sgd");
  assert.equal("nesterov" in params, params.optimizer === "sgd");
  assert.equal("beta2" in params, params.optimizer !== "sgd");
  if ("momentum" in params) assert.ok(Number(params.momentum) >= 0 && Number(params.momentum) <= 0.99);
  if ("beta2" in params) assert.ok(Number(params.beta2) >= 0.9 && Number(params.beta2) <= 0.9999);
}

const quadratic = (dims: number, goal: "minimize" | "maximize") => `
name: q
command: [x]
objective: {metric: m, goal: ${goal}}
parameters:
${Array.from({ length: dims }, (_, i) => `  x${i}: {type: float, min: -5, max: 10}`).join("\n")}
`;
const sphere = (p: Params) => Object.values(p).reduce((s: number, v) => s + (Number(v) - 2.5) ** 2, 0);

describe("tpe", () => {
  for (const [name, strategy] of [
    ["multivariate (default)", tpeProposer],
    ["univariate", createTpe({ multivariate: false })],
  ] as const) {
    it(`${name}: every proposal is a valid configuration of a mixed, conditional space`, () => {
      const study = simulateWith(strategy, mixed, 8, mixedLoss);
      assert.equal(study.trials.length, 48);
      for (const t of study.trials) assertValidMixed(t.params);
      const keys = study.trials.map((t) => paramsKey(t.params));
      assert.equal(new Set(keys).size, keys.length, "a configuration was proposed twice");
    });
  }

  it("the same study and seed give the same trials; another seed gives others", async () => {
    const a = (await simulate(mixed, mixedLoss)).trials.map((t) => t.params);
    const b = (await simulate(mixed, mixedLoss)).trials.map((t) => t.params);
    const c = (await simulate({ ...mixed, seed: 1 }, mixedLoss)).trials.map((t) => t.params);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it("never repeats a configuration, and stops when a small space is used up", async () => {
    const small = tpe(
      `
name: t
command: [x]
objective: {metric: m, goal: minimize}
budget: {max_trials: 50, parallel: 4}
parameters:
  a: {type: categorical, values: [1, 2, 3]}
  b: {type: int, min: 0, max: 2}
`,
      {},
    );
    const study = await simulate(small, (p) => Number(p.a) + Number(p.b));
    const keys = study.trials.map((t) => paramsKey(t.params));
    assert.equal(new Set(keys).size, 9);
    assert.equal(study.trials.length, 9);
    assert.equal(study.stop?.code, "exhausted");
  });

  it("survives constant objectives and failed trials, and keeps proposing valid configurations", async () => {
    const constant = await simulate(mixed, () => 1);
    assert.equal(constant.trials.length, 48);
    // Every third trial fails; those with lr above 0.1 fail too.
    const flaky = await simulate(mixed, (p, id) => (id % 3 === 0 || Number(p.lr) > 0.1 ? undefined : mixedLoss(p, id)));
    assert.equal(flaky.trials.length, 48);
    for (const t of [...constant.trials, ...flaky.trials]) assertValidMixed(t.params);
    const allFail = await simulate(mixed, () => undefined);
    assert.ok(allFail.trials.length > 0);
    for (const t of allFail.trials) assertValidMixed(t.params);
  });

  it("steers away from where trials failed", async () => {
    // Trials with x0 < 2.5 fail; the rest are flat. The model should then
    // propose mostly where trials succeed, far more often than half the time.
    const config = tpe(quadratic(2, "minimize"), { max_trials: 60, parallel: 4, max_failures: 60 });
    const study = await simulate(config, (p) => (Number(p.x0) < 2.5 ? undefined : 1 + 0.01 * Number(p.x1)));
    const late = study.trials.slice(20);
    const ok = late.filter((t) => Number(t.params.x0) >= 2.5).length;
    assert.ok(ok / late.length > 0.7, `${ok} of ${late.length} late trials where trials succeed`);
  });

  it("beats random search on a quadratic on every one of several seeds, minimizing and maximizing", async () => {
    for (const goal of ["minimize", "maximize"] as const) {
      const f = goal === "minimize" ? sphere : (p: Params) => -sphere(p);
      for (let seed = 0; seed < 5; seed++) {
        const config = tpe(quadratic(3, goal), { max_trials: 40, parallel: 4 }, seed);
        const best = async (c: Config) => {
          const study = await simulate(c, f);
          return Math.abs(trialValue(bestTrial(study.config, study)!)!);
        };
        const ours = await best(config);
        const random = await best({ ...config, strategy: "random" });
        assert.ok(ours < random, `${goal} seed ${seed}: tpe ${ours} vs random ${random}`);
      }
    }
  });

  it("models integers and steps as the bins of the cube that decode to each value", () => {
    const space = buildSpace(mixed.parameters);
    const geo = geometryOf(space);
    const kinds = Object.fromEntries(geo.dims.map((d) => [d.name, d.kind]));
    assert.equal(kinds.epochs, undefined, "constants are not modelled");
    assert.equal(kinds.lr?.kind, "continuous");
    const check = (name: string, values: readonly number[]) => {
      const k = kinds[name]!;
      assert.equal(k.kind, "discrete");
      if (k.kind !== "discrete") return;
      assert.equal(k.edges.length, values.length + 1);
      const i = space.dims.findIndex((d) => d.name === name);
      values.forEach((v, j) => {
        const at = (u: number) => {
          const point = space.dims.map(() => 0.5);
          point[i] = u;
          return decode(space, point)[name];
        };
        assert.equal(at(0.5 * (k.edges[j]! + k.edges[j + 1]!)), v);
        assert.equal(at(k.edges[j]!), v, `${name}: bin ${j} starts at its edge`);
      });
    };
    check("layers", [1, 2, 3, 4]);
    check("dropout", [0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    check("batch", [16, 32, 48, 64, 80, 96, 112, 128]);
    check(
      "width",
      Array.from({ length: 241 }, (_, i) => 16 + i),
    );
  });
});

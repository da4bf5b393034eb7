/**
 * What every registered strategy promises, checked on each one looked up from
 * the registry, so a new strategy is held to the contract by adding it there:
 * no configuration twice, the same plan for the same seed, the same sequence
 * however it is batched (where the strategy says so), and a clean end when a
 * small space runs out.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { planRound } from "../../src/engine/plan.ts";
import type { Trial } from "../../src/protocol/trial.ts";
import { paramsKey } from "../../src/space/space.ts";
import { STRATEGY_NAMES, type StrategyName, strategyFor } from "../../src/strategy/registry.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy } from "../../src/study/study.ts";
import { configFrom, MIXED_SPACE } from "../helpers/config.ts";
import { simulateStudy } from "../helpers/simulate.ts";

/** A config for `name` over `parameters`, with the resource it needs when it needs one. */
function configFor(name: StrategyName, parameters: string, budget: string): Config {
  const resource = strategyFor(name).needsResource ? "resource: {name: fidelity, min: 1, max: 9, eta: 3}\n" : "";
  return configFrom(`
name: c
command: [x]
objective: {metric: m, goal: minimize}
strategy: ${name}
budget: ${budget}
${resource}parameters:
${parameters}
`);
}

/** Grid needs a finite float: every strategy gets the same space. */
const SPACE = `
  x: {type: float, min: 0, max: 1, step: 0.01}
  n: {type: int, min: 1, max: 40}
  opt: {type: categorical, values: [a, b, c]}`;

const mixed = configFrom(MIXED_SPACE);
const mixedWith = (name: StrategyName, parallel: number): Config => ({
  ...mixed,
  strategy: name,
  budget: { ...mixed.budget, max_trials: 12, parallel },
});

const TINY = "  a: {type: categorical, values: [1, 2, 3]}\n  b: {type: int, min: 0, max: 2}";

/** A deterministic value that varies with the configuration (so models have something to fit) and the resource. */
function value(t: Trial): number {
  let h = 2166136261;
  for (const c of paramsKey(t.params)) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return ((h >>> 0) % 1000) / 1000 + 1 / (t.resource ?? 1);
}

/** New configurations: trials that continue no other. */
const fresh = (study: Study) => study.trials.filter((t) => t.parent === undefined);

for (const name of STRATEGY_NAMES) {
  const strategy = strategyFor(name);
  describe(`strategy ${name}`, () => {
    it("never proposes a configuration twice, within a round or across rounds", async () => {
      const study = (await simulateStudy(configFor(name, SPACE, "{max_trials: 30, parallel: 6}"), value)).study;
      const keys = fresh(study).map((t) => paramsKey(t.params));
      assert.ok(keys.length > 6, `${keys.length} configurations`);
      assert.equal(new Set(keys).size, keys.length);
      for (const t of study.trials.filter((t) => t.parent !== undefined))
        assert.deepEqual(
          t.params,
          study.trials[t.parent!]!.params,
          `trial ${t.id} continues its parent's configuration`,
        );
    });

    it("plans the same study from the same seed", async () => {
      const config = configFor(name, SPACE, "{max_trials: 20, parallel: 4}");
      assert.deepEqual((await simulateStudy(config, value)).study, (await simulateStudy(config, value)).study);
    });

    if (strategy.batchInvariant)
      it("proposes the same configurations however they are batched into rounds", async () => {
        const one = (await simulateStudy(mixedWith(name, 1), () => 1)).study;
        const four = (await simulateStudy(mixedWith(name, 4), () => 1)).study;
        assert.deepEqual(
          one.trials.map((t) => t.params),
          four.trials.map((t) => t.params),
        );
        assert.equal(one.rounds.length, 12);
        assert.equal(four.rounds.length, 3);
      });

    it("gives fewer than asked when a small space runs out, then ends the study as exhausted", async () => {
      const wide = configFor(name, TINY, "{max_trials: 50, parallel: 12}");
      const first = planRound(wide, createStudy(wide));
      assert.equal(first.kind, "round");
      assert.equal(first.kind === "round" && first.runs.length, 9, "the nine configurations there are");
      const study = (await simulateStudy(configFor(name, TINY, "{max_trials: 50, parallel: 4}"), value)).study;
      const keys = fresh(study).map((t) => paramsKey(t.params));
      assert.equal(new Set(keys).size, keys.length);
      assert.equal(keys.length, 9);
      assert.equal(study.stop?.code, "exhausted");
    });
  });
}

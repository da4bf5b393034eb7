import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { importanceOf, MIN_TRIALS } from "../../src/importance/importance.ts";
import { pickFreeze } from "../../src/importance/pick-freeze.ts";
import type { Trial } from "../../src/protocol/trial.ts";
import { importanceSection, importanceView } from "../../src/report/importance.ts";
import { buildSpace } from "../../src/space/space.ts";
import type { Study } from "../../src/study/schema.ts";
import { configFrom } from "../helpers/config.ts";
import { simulateStudy } from "../helpers/simulate.ts";

const random = (parameters: string, trials: number, objective = "{metric: y, goal: minimize}") =>
  configFrom(`
name: importance
command: [x]
objective: ${objective}
strategy: random
parameters:
${parameters}
budget: {max_trials: ${trials}, parallel: 10}
`);

async function studyOf(config: Config, f: (p: Trial["params"]) => number): Promise<Study> {
  return (await simulateStudy(config, (t) => f(t.params))).study;
}

const ranked = (config: Config, study: Study, objective = 0) =>
  importanceView(config, study)!.objectives[objective]!.importance.parameters;

describe("pick-freeze", () => {
  it("recovers the Sobol G-function's indices from the function itself", () => {
    const a = [0, 1, 9];
    const vi = a.map((ai) => 1 / (3 * (1 + ai) ** 2));
    const v = vi.reduce((p, x) => p * (1 + x), 1) - 1;
    const pf = pickFreeze(
      (u) => u.reduce((p, x, i) => p * ((Math.abs(4 * x - 2) + a[i]!) / (1 + a[i]!)), 1),
      3,
      512,
      1,
    );
    vi.forEach((x, i) => {
      const total = (x * vi.reduce((p, y, j) => (j === i ? p : p * (1 + y)), 1)) / v;
      assert.ok(Math.abs(pf.first(i) - x / v) < 0.02, `S${i}: ${pf.first(i)} vs ${x / v}`);
      assert.ok(Math.abs(pf.total(i) - total) < 0.02, `ST${i}: ${pf.total(i)} vs ${total}`);
    });
    assert.ok(Math.abs(pf.closed(0, 1) - (vi[0]! + vi[1]! + vi[0]! * vi[1]!) / v) < 0.02);
  });
});

describe("parameter importance", () => {
  const pi = "{type: float, min: -3.14159265, max: 3.14159265}";
  const ishigami = random(`  x1: ${pi}\n  x2: ${pi}\n  x3: ${pi}`, 150);
  const ishigamiStudy = studyOf(ishigami, (p) => {
    const [x1, x2, x3] = [Number(p.x1), Number(p.x2), Number(p.x3)];
    return Math.sin(x1) + 7 * Math.sin(x2) ** 2 + 0.1 * x3 ** 4 * Math.sin(x1);
  });

  it("recovers Ishigami's indices (a=7, b=0.1) from 150 random trials: first-order within 0.1, total within 0.15", async () => {
    const b = 0.1;
    const v1 = 0.5 * (1 + (b * Math.PI ** 4) / 5) ** 2;
    const v2 = 49 / 8;
    const v13 = b ** 2 * Math.PI ** 8 * (1 / 18 - 1 / 50);
    const v = v1 + v2 + v13;
    const truth = { x1: [v1 / v, (v1 + v13) / v], x2: [v2 / v, v2 / v], x3: [0, v13 / v] } as const;
    const got = ranked(ishigami, await ishigamiStudy);
    for (const p of got) {
      const [first, total] = truth[p.name as keyof typeof truth];
      assert.ok(Math.abs(p.first - first) < 0.1, `${p.name} first-order ${p.first} vs ${first}`);
      // x1's total rests on x1·x3⁴, the hardest part for a stationary GP (bench/importance.ts).
      assert.ok(Math.abs(p.total - total) < 0.15, `${p.name} total ${p.total} vs ${total}`);
    }
    assert.equal(got[2]!.name, "x3", "x3 acts only with x1: least");
  });

  it("is the same for the same study, computed once per study and config", async () => {
    const study = await ishigamiStudy;
    const first = importanceView(ishigami, study);
    // The summary, the comment and the page of a round ask for the same objects: computed once.
    assert.equal(importanceView(ishigami, study), first);
    // A copy of the study, or another config object, is computed afresh, to the same numbers
    // (as JSON: without the fitted model, a new function each time).
    const numbers = (view: unknown) => JSON.parse(JSON.stringify(view));
    const again = importanceView(ishigami, { ...study });
    const otherConfig = importanceView({ ...ishigami }, study);
    assert.notEqual(again, first);
    assert.notEqual(otherConfig, first);
    assert.deepEqual(numbers(again), numbers(first));
    assert.deepEqual(numbers(otherConfig), numbers(first));
  });

  it("ranks a parameter that is best in the middle of its range first, and an inert one near 0", async () => {
    const config = random(
      "  lr: {type: float, min: 0.00001, max: 1, scale: log}\n  wd: {type: float, min: 0, max: 1}\n  batch: {type: int, min: 0, max: 1000}",
      60,
    );
    const got = ranked(
      config,
      await studyOf(config, (p) => (Math.log10(Number(p.lr)) + 2.5) ** 2 + 0.5 * Number(p.wd)),
    );
    assert.deepEqual(
      got.map((p) => p.name),
      ["lr", "wd", "batch"],
    );
    assert.ok(got[0]!.total > 0.8, `lr: ${got[0]!.total}`);
    assert.ok(got[2]!.total < 0.02, `batch: ${got[2]!.total}`);
  });

  it("handles categorical and conditional parameters; constants are left out", async () => {
    const config = random(
      `  optimizer: {type: categorical, values: [sgd, adam, rmsprop]}
  momentum: {type: float, min: 0, max: 0.99, when: {optimizer: sgd}}
  beta2: {type: float, min: 0.9, max: 0.9999, when: {optimizer: [adam, rmsprop]}}
  noise: {type: float, min: 0, max: 1}
  epochs: {type: constant, value: 10}`,
      80,
    );
    const got = ranked(
      config,
      await studyOf(
        config,
        (p) => (p.optimizer === "adam" ? 1 : 0) + (p.optimizer === "sgd" ? 2 * Number(p.momentum) : 0),
      ),
    );
    const by = Object.fromEntries(got.map((p) => [p.name, p.total]));
    assert.deepEqual(Object.keys(by).sort(), ["beta2", "momentum", "noise", "optimizer"]);
    assert.ok(by.optimizer! > 0.5, `optimizer: ${by.optimizer}`);
    assert.ok(by.momentum! > 0.1, `momentum: ${by.momentum}`);
    assert.ok(by.beta2! < 0.03 && by.noise! < 0.03, `beta2: ${by.beta2}, noise: ${by.noise}`);
  });

  it("gives one column per objective in a multi-objective study", async () => {
    const config = random(
      "  x: {type: float, min: 0, max: 1}\n  z: {type: float, min: 0, max: 1}",
      40,
      "[{metric: f1, goal: minimize}, {metric: f2, goal: maximize}]",
    );
    const study = (
      await simulateStudy(config, (t) => {
        const [x, z] = [Number(t.params.x), Number(t.params.z)];
        return { value: x, metrics: { f1: x, f2: z * z } };
      })
    ).study;
    assert.deepEqual(
      ranked(config, study, 0).map((p) => p.name),
      ["x", "z"],
    );
    assert.deepEqual(
      ranked(config, study, 1).map((p) => p.name),
      ["z", "x"],
    );
    assert.match(importanceSection(config, study)!, /\| parameter \| f1: total +\| f2: total +\|\n/);
  });

  it("shows nothing below the minimum of trials, and says when the trials are too few to mean much", async () => {
    const space = buildSpace(random("  x: {type: float, min: 0, max: 1}", 4).parameters);
    const few = Array.from({ length: MIN_TRIALS - 1 }, (_, i) => ({ params: { x: i / 4 } }) as unknown as Trial);
    assert.equal(
      importanceOf(
        space,
        few,
        few.map((_, i) => i),
        1,
      ),
      undefined,
    );
    const config = random(
      "  a: {type: float, min: 0, max: 1}\n  b: {type: float, min: 0, max: 1}\n  c: {type: float, min: 0, max: 1}",
      8,
    );
    const study = await studyOf(config, (p) => Math.sin(20 * Number(p.a)) * Math.cos(17 * Number(p.b)) + Number(p.c));
    assert.match(
      importanceSection(config, study)!,
      /_With 8 trials these numbers are rough: for \d of the parameters \([a-c, ]+\) the bootstrap spread is more than half the share itself/,
    );
  });
});

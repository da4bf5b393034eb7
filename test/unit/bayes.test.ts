import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import type { Trial } from "../../src/protocol/trial.ts";
import { buildSpace, paramsKey } from "../../src/space/space.ts";
import { logExpectedImprovement, logH } from "../../src/strategy/bayes/acquisition.ts";
import { type Data, defaultPriors, negLogPosterior, Posterior } from "../../src/strategy/bayes/gp.ts";
import { bayesProposer } from "../../src/strategy/bayes/index.ts";
import { cholesky, choleskyInverse, rowStart } from "../../src/strategy/bayes/linalg.ts";
import { bestTrial } from "../../src/study/best.ts";
import type { Study } from "../../src/study/schema.ts";
import { erfc } from "../../src/util/normal.ts";
import { configFrom, MIXED_SPACE } from "../helpers/config.ts";
import { simulateStudy } from "../helpers/simulate.ts";

const outcome = { durationMs: 1, exitCode: 0, signal: null, metrics: {}, intermediate: [], logTail: "" };

/** Runs a study to completion; `f` returns a value, or undefined for a trial that fails. */
const simulate = async (config: Config, f: (p: Record<string, unknown>) => number | undefined): Promise<Study> =>
  (await simulateStudy(config, (t) => f(t.params))).study;

const continuous = (strategy: string, seed: number, goal = "minimize") =>
  configFrom(`
name: t
command: [x]
objective: {metric: m, goal: ${goal}}
strategy: ${strategy}
seed: ${seed}
budget: {max_trials: 24, parallel: 4}
parameters:
  x: {type: float, min: -5, max: 5}
  y: {type: float, min: 0, max: 10}
  z: {type: float, min: 0.001, max: 1, scale: log}
`);

const quadratic = (p: Record<string, unknown>) =>
  (Number(p.x) - 1.3) ** 2 + (Number(p.y) - 7.2) ** 2 + (Math.log10(Number(p.z)) + 2) ** 2;

const matern = (r: number) => (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);

describe("bayes: linear algebra and model", () => {
  it("Cholesky factors and inverts a small SPD matrix", () => {
    // [[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]], lower triangle packed by rows.
    const a = Float64Array.from([4, 2, 5, 0.4, 1, 3]);
    const { l, jitter } = cholesky(a, 3);
    assert.equal(jitter, 0);
    assert.ok(Math.abs(l[0]! - 2) < 1e-15 && Math.abs(l[1]! - 1) < 1e-15 && Math.abs(l[2]! - 2) < 1e-15);
    const inv = choleskyInverse(l, 3);
    const full = (m: Float64Array, i: number, j: number) => (i >= j ? m[rowStart(i) + j]! : m[rowStart(j) + i]!);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += full(a, i, k) * full(inv, k, j);
        assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-12, `(A A⁻¹)[${i}][${j}] = ${s}`);
      }
  });

  it("Cholesky adds jitter to a singular matrix instead of failing", () => {
    const { jitter } = cholesky(Float64Array.from([1, 1, 1]), 2);
    assert.ok(jitter > 0 && jitter < 1e-6);
  });

  // Two observations in 1-D with fixed hyperparameters: the posterior at x* is
  // k*ᵀ K⁻¹ y and s² − k*ᵀ K⁻¹ k*, with the 2×2 inverse written out.
  const features = { p: 1, categorical: new Uint8Array(1) };
  const ell = 0.5;
  const signal = 2;
  const noise = 0.01;
  const theta = Float64Array.from([Math.log(ell), Math.log(signal), Math.log(noise)]);
  const data: Data = { features, x: Float64Array.from([0.2, 0.7]), y: Float64Array.from([1, -0.5]), n: 2 };
  const k = (a: number, b: number) => signal * matern(Math.abs(a - b) / ell);

  it("posterior mean and variance match the closed form for two points", () => {
    const gp = new Posterior(data, theta, 0);
    const a = signal + noise;
    const b = k(0.2, 0.7);
    const det = a * a - b * b;
    const inv = [
      [a / det, -b / det],
      [-b / det, a / det],
    ];
    for (const xs of [0.2, 0.45, 0.9, 3]) {
      const ks = [k(0.2, xs), k(0.7, xs)];
      const w = [inv[0]![0]! * ks[0]! + inv[0]![1]! * ks[1]!, inv[1]![0]! * ks[0]! + inv[1]![1]! * ks[1]!];
      const mean = w[0]! * 1 + w[1]! * -0.5;
      const variance = signal - (w[0]! * ks[0]! + w[1]! * ks[1]!);
      const c = gp.cache(Float64Array.from([xs]));
      assert.ok(Math.abs(c.mean - mean) < 1e-12, `mean at ${xs}: ${c.mean} vs ${mean}`);
      assert.ok(Math.abs(c.variance - variance) < 1e-12, `variance at ${xs}: ${c.variance} vs ${variance}`);
    }
  });

  it("adding a point gives the posterior of the model fitted with it", () => {
    const grown = new Posterior(data, theta, 1);
    const probe = grown.cache(Float64Array.from([0.5]));
    grown.add(grown.cache(Float64Array.from([0.4])), 0.3);
    grown.refresh(probe);
    const three: Data = { features, x: Float64Array.from([0.2, 0.7, 0.4]), y: Float64Array.from([1, -0.5, 0.3]), n: 3 };
    const direct = new Posterior(three, theta, 0).cache(Float64Array.from([0.5]));
    assert.ok(Math.abs(probe.mean - direct.mean) < 1e-12);
    assert.ok(Math.abs(probe.variance - direct.variance) < 1e-12);
  });

  it("posteriors taking turns with the shared solve memory predict as each does alone", () => {
    const other: Data = { features, x: Float64Array.from([0.1, 0.3, 0.95]), y: Float64Array.from([-1, 0.4, 2]), n: 3 };
    const at = (x: number) => Float64Array.from([x]);
    const alone = new Posterior(data, theta, 0).cache(at(0.6));
    const three: Data = { features, x: Float64Array.from([0.2, 0.7, 0.4]), y: Float64Array.from([1, -0.5, 0.3]), n: 3 };
    const grownAlone = new Posterior(three, theta, 0).cache(at(0.6));

    const a = new Posterior(data, theta, 1);
    const b = new Posterior(other, theta, 0);
    const added = a.cache(at(0.4));
    b.cache(at(0.6));
    const probe = a.cache(at(0.6));
    assert.deepEqual([probe.mean, probe.variance], [alone.mean, alone.variance]);
    a.add(added, 0.3);
    b.cache(at(0.5));
    a.refresh(probe);
    assert.ok(Math.abs(probe.mean - grownAlone.mean) < 1e-12);
    assert.ok(Math.abs(probe.variance - grownAlone.variance) < 1e-12);
  });

  it("the marginal-likelihood gradient matches finite differences", () => {
    const mixed = { p: 3, categorical: Uint8Array.from([0, 1, 0]) };
    const x = Float64Array.from([0.1, 0, 0.5, 0.4, 1, 0.2, 0.9, 2, 0.8, 0.6, 0, 0.3, 0.3, 1, 0.9]);
    const f = negLogPosterior(
      { features: mixed, x, y: Float64Array.from([0.5, -1, 1.2, 0.1, -0.8]), n: 5 },
      defaultPriors(3),
    );
    const at = Float64Array.from([Math.log(0.3), Math.log(0.8), Math.log(0.5), Math.log(1.3), Math.log(0.05)]);
    const grad = new Float64Array(5);
    f(at, grad);
    const scratch = new Float64Array(5);
    for (let i = 0; i < 5; i++) {
      const h = 1e-6;
      const up = Float64Array.from(at);
      const down = Float64Array.from(at);
      up[i]! += h;
      down[i]! -= h;
      const numeric = (f(up, scratch) - f(down, scratch)) / (2 * h);
      assert.ok(
        Math.abs(numeric - grad[i]!) < 1e-5 * Math.max(1, Math.abs(numeric)),
        `θ${i}: ${grad[i]} vs ${numeric}`,
      );
    }
  });
});

describe("bayes: log expected improvement", () => {
  const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  const cdf = (z: number) => 0.5 * erfc(-z / Math.SQRT2);

  it("equals log(EI) wherever EI is representable", () => {
    for (const [mean, variance, best] of [
      [0, 1, 0],
      [1, 0.25, 0.2],
      [-2, 4, 1],
      [3, 0.01, 2.5],
      [0.5, 1e-6, 0.4999],
      [10, 1, 0],
    ] as const) {
      const sd = Math.sqrt(variance);
      const z = (best - mean) / sd;
      const ei = sd * (phi(z) + z * cdf(z));
      const got = logExpectedImprovement(mean, variance, best);
      assert.ok(Math.abs(got - Math.log(ei)) < 1e-9 * Math.max(1, Math.abs(Math.log(ei))), `${got} vs ${Math.log(ei)}`);
    }
  });

  it("stays finite and ordered where EI underflows to 0", () => {
    let previous = Number.POSITIVE_INFINITY;
    for (const z of [-30, -40, -100, -1e4, -1e8, -1e12]) {
      const ei = phi(z) + z * cdf(z);
      assert.ok(ei <= 0 || z > -40, `EI at z=${z} is ${ei}`);
      const v = logH(z);
      assert.ok(Number.isFinite(v) && v < previous, `log h(${z}) = ${v}`);
      previous = v;
    }
    // Asymptotically log h(z) ≈ −z²/2 − log(√(2π)) − 2 log|z|.
    const z = -1e3;
    assert.ok(Math.abs(logH(z) - (-0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z))) < 1e-5);
  });
});

describe("bayes: proposals", () => {
  const mixed: Config = {
    ...configFrom(MIXED_SPACE),
    strategy: "bayes",
    budget: { ...configFrom(MIXED_SPACE).budget, max_trials: 32, parallel: 8 },
  };
  const mixedObjective = (p: Record<string, unknown>) =>
    (Math.log10(Number(p.lr)) + 2.5) ** 2 +
    Number(p.dropout) +
    Math.abs(Number(p.layers) - 3) +
    (p.optimizer === "adam" ? 0 : 0.5) +
    (p.optimizer === "sgd" ? (Number(p.momentum) - 0.9) ** 2 : 0);

  it("respects bounds, steps, integer types and conditions, and never repeats", async () => {
    const study = await simulate(mixed, mixedObjective);
    assert.equal(study.trials.length, 32);
    for (const { params: p } of study.trials) {
      assert.ok(Number(p.lr) >= 1e-4 && Number(p.lr) <= 1);
      assert.ok([0, 0.1, 0.2, 0.3, 0.4, 0.5].includes(Number(p.dropout)));
      assert.ok(Number.isInteger(p.layers) && Number(p.layers) >= 1 && Number(p.layers) <= 4);
      assert.ok(Number.isInteger(p.width) && Number(p.width) >= 16 && Number(p.width) <= 256);
      assert.ok([16, 32, 48, 64, 80, 96, 112, 128].includes(Number(p.batch)));
      assert.equal(p.epochs, 10);
      assert.equal("momentum" in p, p.optimizer === "sgd");
      assert.equal("nesterov" in p, p.optimizer === "sgd");
      assert.equal("beta2" in p, p.optimizer !== "sgd");
    }
    const keys = study.trials.map((t) => paramsKey(t.params));
    assert.equal(new Set(keys).size, keys.length);
  });

  it("is deterministic: the same seed gives the same trials, another seed others", async () => {
    const a = (await simulate(continuous("bayes", 3), quadratic)).trials.map((t) => t.params);
    const b = (await simulate(continuous("bayes", 3), quadratic)).trials.map((t) => t.params);
    const c = (await simulate(continuous("bayes", 4), quadratic)).trials.map((t) => t.params);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it("uses up a small discrete space without repeats, then stops as exhausted", async () => {
    const small = configFrom(`
name: t
command: [x]
objective: {metric: m, goal: minimize}
strategy: bayes
budget: {max_trials: 50, parallel: 4}
parameters:
  a: {type: categorical, values: [1, 2, 3]}
  b: {type: int, min: 0, max: 3}
`);
    const study = await simulate(small, (p) => Number(p.a) * Number(p.b));
    const keys = study.trials.map((t) => paramsKey(t.params));
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(study.trials.length, 12);
    assert.equal(study.stop?.code, "exhausted");
  });

  it("survives a constant objective", async () => {
    const study = await simulate(continuous("bayes", 1), () => 42);
    const keys = study.trials.map((t) => paramsKey(t.params));
    assert.equal(study.trials.length, 24);
    assert.equal(new Set(keys).size, keys.length);
  });

  it("steers away from where trials failed", async () => {
    // A third of the x range fails; the optimum (x = 1.3) lies close to it.
    for (const seed of [0, 1, 2]) {
      const study = await simulate(continuous("bayes", seed), (p) => (Number(p.x) > 2 ? undefined : quadratic(p)));
      const keys = study.trials.map((t) => paramsKey(t.params));
      assert.equal(new Set(keys).size, keys.length);
      assert.equal(study.trials.length, 24);
      const afterDesign = study.trials.slice(8);
      const failures = afterDesign.filter((t) => t.status === "failed").length;
      assert.ok(failures <= 3, `seed ${seed}: ${failures} of ${afterDesign.length} later trials failed`);
    }
  });

  it("keeps a batch apart from trials still running", () => {
    const config = continuous("bayes", 2);
    const space = buildSpace(config.parameters);
    const done = (params: Record<string, number>, id: number): Trial => ({
      id,
      round: 1,
      params,
      status: "succeeded",
      attempts: [{ status: "succeeded", value: quadratic(params), trialId: id, attempt: 1, ...outcome }],
    });
    const trials: Trial[] = Array.from({ length: 10 }, (_, i) =>
      done({ x: -5 + i, y: (i * 3.7) % 10, z: 0.001 * 10 ** ((i % 4) * 0.9) }, i),
    );
    const input = { space, objective: config.objective, constraints: [], count: 4, seed: 2 };
    const first = bayesProposer.propose({ ...input, trials });
    const running = first.map(
      (params, i): Trial => ({ id: 10 + i, round: 2, params, status: "running", attempts: [] }),
    );
    const second = bayesProposer.propose({ ...input, trials: [...trials, ...running] });
    const keys = [...trials, ...running].map((t) => paramsKey(t.params));
    assert.equal(second.length, 4);
    for (const p of second) assert.ok(!keys.includes(paramsKey(p)));
    assert.equal(new Set(second.map(paramsKey)).size, 4);
  });

  it("beats random search on a quadratic on every seed, minimizing and maximizing", async () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      for (const goal of ["minimize", "maximize"] as const) {
        const sign = goal === "minimize" ? 1 : -1;
        const f = (p: Record<string, unknown>) => sign * quadratic(p);
        const best = async (strategy: string) =>
          quadratic(
            bestTrial(continuous(strategy, seed, goal), await simulate(continuous(strategy, seed, goal), f))!.params,
          );
        const bayes = await best("bayes");
        const random = await best("random");
        assert.ok(bayes < random, `seed ${seed} ${goal}: bayes ${bayes} vs random ${random}`);
      }
    }
  });
});

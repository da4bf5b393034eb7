import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { problemNamed } from "../../bench/catalog.ts";
import { benchConfig, cellStats, observe, quantile, runStudy } from "../../bench/harness.ts";
import { offCentreFractions, rotation } from "../../bench/moves.ts";
import { parsePeers } from "../../bench/peers.ts";
import { SUITE } from "../../bench/suite.ts";
import { buildSpace, decode } from "../../src/space/space.ts";
import { createRng } from "../../src/util/rng.ts";

describe("benchmark harness", () => {
  it("keeps the regret as the best value so far minus the optimum, clipped at 0, never increasing", async () => {
    const problem = problemNamed("branin");
    const runs = await Promise.all([0, 1].map((seed) => runStudy(problem, "random", 1, seed)));
    for (const run of runs) {
      assert.equal(run.values.length, problem.budget);
      assert.equal(run.regret.length, problem.budget);
      let best = Number.POSITIVE_INFINITY;
      run.values.forEach((v, i) => {
        best = Math.min(best, v);
        assert.equal(run.regret[i], Math.max(0, best - problem.fStar));
        if (i > 0) assert.ok(run.regret[i]! <= run.regret[i - 1]!);
      });
      assert.ok(run.regret.every((r) => r >= 0));
      assert.equal(run.proposeMs.length, problem.budget, "q=1: one round per trial");
    }
    const stats = cellStats(runs, problem.budget);
    assert.deepEqual(
      stats.finals,
      runs.map((r) => r.regret[problem.budget - 1]),
    );
    assert.equal(stats.at25, quantile([runs[0]!.regret[9]!, runs[1]!.regret[9]!], 0.5));
  });

  it("knows each problem's optimum: f* is attained where the literature puts it", () => {
    const at = (name: string, p: Record<string, number | string>) => problemNamed(name).f(p) - problemNamed(name).fStar;
    assert.ok(Math.abs(at("branin", { x1: Math.PI, x2: 2.275 })) < 1e-6);
    assert.ok(Math.abs(at("hartmann3", { x1: 0.11458887, x2: 0.55564889, x3: 0.85254698 })) < 1e-7);
    assert.equal(at("rosenbrock4", { x1: 1, x2: 1, x3: 1, x4: 1 }), 0);
    assert.ok(Math.abs(at("ackley5", { x1: 0, x2: 0, x3: 0, x4: 0, x5: 0 })) < 1e-12);
    assert.ok(
      at("ackley5_shifted", { x1: 0, x2: 0, x3: 0, x4: 0, x5: 0 }) > 10,
      "the shifted optimum is not the centre",
    );
    assert.ok(
      Math.abs(at("hpo_mixed", { lr: 10 ** -3.3, n_layers: 5, optimizer: "adam", batch_log2: 6, dropout: 0.25 })) <
        1e-12,
    );
  });

  it("reads the peers' 30-seed table: medians, intervals and the best sampler", () => {
    const peers = parsePeers(`
## Median final simple regret with 30 seeds (these are the targets)
| problem | q | tpe | tpe_cl | cmaes |
|---|---|---|---|---|
| branin | 4 | 0.4446 [0.3139, 1.07] | **0.4028 [0.1993, 0.4899]** | – |
## Next section
| branin | 8 | 1 [1, 1] | 1 [1, 1] | 1 [1, 1] |
`);
    assert.equal(peers.size, 1);
    const row = peers.get("branin/4")!;
    assert.equal(row.best, "tpe_cl");
    assert.deepEqual(row.samplers.tpe, { median: 0.4446, ci: [0.3139, 1.07] });
    assert.equal(row.samplers.cmaes, undefined);
    const suite = parsePeers(`
## Median final simple regret with 20 seeds
| problem | q | tpe_cl |
|---|---|---|
| levy6_shifted_rotated | 4 | **1.177 [0.6884, 1.665]** |
## Mean ask time (ms per trial)
| levy6_shifted_rotated | 4 | 25.50 |
`);
    assert.deepEqual(suite.get("levy6_shifted_rotated/4"), {
      samplers: { tpe_cl: { median: 1.177, ci: [0.6884, 1.665] } },
      best: "tpe_cl",
    });
  });

  it("knows each suite problem's optimum: f* at the moved literature minimiser, and nothing lower in the box", () => {
    for (const p of SUITE) {
      const atOptimum = p.f(p.optimum!);
      assert.ok(
        Math.abs(atOptimum - p.fStar) < 1e-9 * Math.max(1, Math.abs(p.fStar)),
        `${p.name}: f(x*) = ${atOptimum}`,
      );
      const space = buildSpace(benchConfig(p, "random", 1, 0).parameters);
      const rng = createRng(1);
      for (let k = 0; k < 2000; k++) {
        const x = decode(
          space,
          space.dims.map(() => rng.next()),
        );
        assert.ok(p.f(x) >= p.fStar - 1e-9, `${p.name}: f below f* at ${JSON.stringify(x)}`);
      }
    }
  });

  it("has the literature's optima where they are quoted (Surjanovic & Bingham)", () => {
    const f = (name: string) => problemNamed(name).fStar;
    assert.ok(Math.abs(f("michalewicz5_shifted") - -4.687658) < 1e-6);
    assert.ok(Math.abs(f("hartmann6_shifted") - -3.32237) < 1e-5);
    assert.ok(Math.abs(f("styblinski_tang6_mirrored") / 6 - -39.16617) < 1e-5);
  });

  it("moves every float optimum off the centre and off the faces", () => {
    for (const p of SUITE)
      for (const [name, param] of Object.entries(p.parameters)) {
        if (param.type !== "float" || param.scale === "log") continue;
        const v = p.optimum![name];
        if (v === undefined) continue;
        const u = (Number(v) - param.min) / (param.max - param.min);
        assert.ok(u > 0.1 && u < 0.9 && Math.abs(u - 0.5) > 0.04, `${p.name}.${name} at ${u} of its range`);
      }
    assert.ok(offCentreFractions(50, 3).every((u) => u >= 0.15 && u <= 0.85 && Math.abs(u - 0.5) >= 0.05));
  });

  it("turns the moved problems by an orthogonal matrix", () => {
    const r = rotation(6, 42);
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++) {
        const dot = r[i]!.reduce((s, x, k) => s + x * r[j]![k]!, 0);
        assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-12);
      }
  });

  it("scores a noisy problem on the noise-free value of the best observed trial", async () => {
    const problem = problemNamed("hartmann6_shifted_noise_high");
    const run = await runStudy(problem, "random", 4, 3);
    const again = await runStudy(problem, "random", 4, 3);
    assert.deepEqual(run.values, again.values, "the noise is seeded");
    const clean = await runStudy(problemNamed("hartmann6_shifted"), "random", 4, 3);
    let best = 0;
    run.values.forEach((v, i) => {
      assert.notEqual(v, clean.values[i], "the study sees the noise");
      if (v < run.values[best]!) best = i;
      assert.equal(run.regret[i], Math.max(0, clean.values[best]! - problem.fStar));
    });
    const params = { x1: 0.5, x2: 0.5, x3: 0.5, x4: 0.5, x5: 0.5, x6: 0.5 };
    assert.equal(observe(problem, 3, 7, params), observe(problem, 3, 7, params));
    assert.notEqual(observe(problem, 3, 7, params), observe(problem, 3, 8, params));
  });

  it("runs the conditional and the mixed problems through a study", async () => {
    for (const name of ["conditional", "mixed_int_cat"]) {
      const run = await runStudy(problemNamed(name), "tpe", 4, 0);
      assert.equal(run.values.length, problemNamed(name).budget);
      assert.ok(run.values.every(Number.isFinite));
    }
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cellStats, quantile, runStudy } from "../../bench/harness.ts";
import { parsePeers } from "../../bench/peers.ts";
import { problemNamed } from "../../bench/problems.ts";

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
  });
});

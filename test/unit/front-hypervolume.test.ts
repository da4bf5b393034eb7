import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hypervolume, hypervolumeImprovement } from "../../src/pareto/hypervolume.ts";
import { boxOf, hypervolumeShare } from "../../src/pareto/reference.ts";
import { scoreTrials } from "../../src/pareto/scores.ts";
import { hypervolumeSoFar } from "../../src/report/front-chart.ts";
import { moStudy, threeObjectives } from "../helpers/mo-study.ts";

/** A deterministic stream in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 2 ** 32;
    return s / 2 ** 32;
  };
}

describe("hypervolume trial by trial", () => {
  it("a point's contribution is the difference of the volumes with and without it, in 2 to 4 dimensions", () => {
    const rand = lcg(7);
    for (const d of [2, 3, 4]) {
      const ref = new Array(d).fill(1.1);
      for (let k = 0; k < 20; k++) {
        const front = Array.from({ length: 15 }, () => Array.from({ length: d }, rand));
        const p = Array.from({ length: d }, rand);
        const expected = hypervolume([...front, p], ref) - hypervolume(front, ref);
        assert.ok(Math.abs(hypervolumeImprovement(p, front, ref) - expected) < 1e-12, `d=${d}`);
      }
      assert.equal(hypervolumeImprovement([1.2, ...new Array(d - 1).fill(0)], [], ref), 0, "outside the box");
    }
  });

  it("the report's series ends at the hypervolume share of every feasible trial, and never falls", () => {
    const config = threeObjectives(40, "[{metric: a, max: 0.9}]");
    const study = moStudy(config, (p) => ({ a: Number(p.x), b: Number(p.y), c: 2 - Number(p.x) - Number(p.y) ** 2 }));
    const series = hypervolumeSoFar(config, study);
    const feasible = scoreTrials(config, study.trials).filter((s) => s.violation === 0);
    assert.ok(feasible.length < study.trials.length, "the constraint rules some out");
    const losses = feasible.map((s) => s.loss);
    assert.ok(Math.abs(series.at(-1)! - hypervolumeShare(losses, boxOf(losses))) < 1e-12);
    const values = series.filter((v) => v !== undefined);
    assert.deepEqual(
      values,
      [...values].sort((a, b) => a - b),
    );
  });
});

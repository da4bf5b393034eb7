import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { crowdingDistances, dominates, nonDominatedSort, paretoRanks } from "../../src/pareto/dominance.ts";
import { hypervolume, hypervolumeImprovement } from "../../src/pareto/hypervolume.ts";
import { createRng } from "../../src/util/rng.ts";

describe("dominance", () => {
  it("needs no worse everywhere and better somewhere", () => {
    assert.equal(dominates([1, 2], [2, 2]), true);
    assert.equal(dominates([1, 2], [1, 2]), false, "an equal point does not dominate");
    assert.equal(dominates([1, 3], [2, 2]), false, "a trade-off does not dominate");
    assert.equal(dominates([2, 2], [1, 3]), false);
    assert.equal(dominates([0, 0, 0], [0, 0, 1]), true);
  });

  it("sorts into fronts by rank, each front in index order", () => {
    //      index: 0       1       2       3       4       5       6
    const points = [
      [3, 3],
      [1, 4],
      [2, 2],
      [4, 1],
      [5, 5],
      [2, 2],
      [3, 4],
    ];
    // Front 0: (1,4) (2,2) (4,1) and the copy of (2,2); front 1: (3,3); front 2: (3,4); front 3: (5,5).
    assert.deepEqual(nonDominatedSort(points), [[1, 2, 3, 5], [0], [6], [4]]);
    assert.deepEqual(paretoRanks(points), [1, 0, 0, 0, 3, 0, 2]);
    assert.deepEqual(nonDominatedSort([]), []);
  });

  it("sorts three objectives", () => {
    const points = [
      [1, 2, 3],
      [3, 2, 1],
      [2, 2, 2],
      [2, 3, 3],
      [3, 3, 3],
    ];
    assert.deepEqual(nonDominatedSort(points), [[0, 1, 2], [3], [4]]);
  });

  it("gives a front's ends infinite crowding and the middle its neighbours' normalised gap", () => {
    const d = crowdingDistances([
      [0, 4],
      [1, 2],
      [4, 0],
    ]);
    assert.equal(d[0], Number.POSITIVE_INFINITY);
    assert.equal(d[2], Number.POSITIVE_INFINITY);
    // (4 − 0)/4 in the first coordinate plus (4 − 0)/4 in the second.
    assert.equal(d[1], 2);
  });
});

describe("hypervolume", () => {
  it("2-D: the union of the boxes each point dominates", () => {
    // Boxes below (4, 4): (1,3) → 3·1 = 3; (2,2) adds 2·1 = 2 more; (3,1) adds 1·1 = 1 more. Total 6.
    const front = [
      [1, 3],
      [2, 2],
      [3, 1],
    ];
    assert.equal(hypervolume(front, [4, 4]), 6);
    // A dominated point, a copy and a point outside the box add nothing.
    assert.equal(hypervolume([...front, [3, 3], [2, 2], [5, 0], [4, 1]], [4, 4]), 6);
    assert.equal(hypervolume([], [4, 4]), 0);
    assert.equal(hypervolumeImprovement([1, 1], front, [4, 4]), 9 - 6);
    assert.equal(hypervolumeImprovement([2.5, 2.5], front, [4, 4]), 0);
  });

  it("3-D: slices along the last coordinate", () => {
    // One point: a box. (1,1,1) below (2,2,2) → 1.
    assert.equal(hypervolume([[1, 1, 1]], [2, 2, 2]), 1);
    // (0,0,1) and (0,1,0) below (2,2,2): boxes 2·2·1 = 4 and 2·1·2 = 4 overlapping in 2·1·1 = 2 → 6.
    assert.equal(
      hypervolume(
        [
          [0, 0, 1],
          [0, 1, 0],
        ],
        [2, 2, 2],
      ),
      6,
    );
    // Three boxes of 2·1·1 below (2,2,2); each pair shares a unit cube, all three the same one: 3·2 − 3·1 + 1 = 4.
    assert.equal(
      hypervolume(
        [
          [0, 1, 1],
          [1, 0, 1],
          [1, 1, 0],
        ],
        [2, 2, 2],
      ),
      4,
    );
  });

  it("agrees with a Monte Carlo estimate in 4-D", () => {
    const points = [
      [0.2, 0.5, 0.7, 0.1],
      [0.6, 0.1, 0.3, 0.4],
      [0.4, 0.4, 0.2, 0.6],
      [0.9, 0.8, 0.1, 0.2],
    ];
    const rng = createRng(7);
    const rand = () => rng.next();
    const n = 200_000;
    let inside = 0;
    for (let k = 0; k < n; k++) {
      const z = [rand(), rand(), rand(), rand()];
      if (points.some((p) => p.every((v, i) => v <= z[i]!))) inside++;
    }
    assert.ok(Math.abs(hypervolume(points, [1, 1, 1, 1]) - inside / n) < 0.005);
  });
});

/**
 * The multi-objective benchmark's problems against computations that do not
 * share their code: each true front's hypervolume worked out another way, the
 * front's points reached by the problem's own metrics, and no random
 * configuration beyond the front — so a wrong problem definition or true
 * hypervolume cannot hide behind a plausible regret.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hvRegretCurve, moConfig, scoreMetrics } from "../../bench/mo-harness.ts";
import { MO_PROBLEMS, type MoProblem } from "../../bench/mo-problems.ts";
import { hypervolume } from "../../src/pareto/hypervolume.ts";
import { buildSpace, decode, type Params } from "../../src/space/space.ts";
import { createRng } from "../../src/util/rng.ts";

const named = (name: string) => MO_PROBLEMS.find((p) => p.name === name)!;
const configs = new Map(MO_PROBLEMS.map((p) => [p, moConfig(p, "random", 1, 0)]));
const goals = (p: MoProblem) => configs.get(p)!;
const lossAt = (p: MoProblem, params: Params) => scoreMetrics(goals(p), p.metrics(params));
const xs = (values: readonly number[]): Params => Object.fromEntries(values.map((v, i) => [`x${i}`, v]));
const grid = (n: number) => Array.from({ length: n + 1 }, (_, i) => i / n);

/** Seeded uniform configurations of the problem's space, conditional parameters included. */
function randomConfigs(p: MoProblem, n: number): Params[] {
  const space = buildSpace(goals(p).parameters);
  const rng = createRng(7, n);
  return Array.from({ length: n }, () =>
    decode(
      space,
      space.dims.map(() => rng.next()),
    ),
  );
}

/** The front sampled densely through the problem's own metrics, as losses. */
function sampledFront(p: MoProblem, params: readonly Params[]): number[][] {
  return params.map((x) => {
    const s = lossAt(p, x);
    assert.equal(s.violation, 0, `${p.name}: a point of the true front is feasible (${JSON.stringify(x)})`);
    return [...s.loss];
  });
}

/** No feasible random configuration adds to the hypervolume of the true front. */
function assertNothingBeyond(p: MoProblem, front: readonly number[][]): void {
  const points = randomConfigs(p, 2000)
    .map((x) => lossAt(p, x))
    .filter((s) => s.violation === 0)
    .map((s) => [...s.loss]);
  assert.ok(points.length > 0, `${p.name}: some random configurations are feasible`);
  const alone = hypervolume(front, p.reference);
  assert.ok(
    hypervolume([...front, ...points], p.reference) - alone < 1e-9 * alone,
    `${p.name}: nothing beyond the front`,
  );
}

describe("multi-objective benchmark problems", () => {
  for (const [name, shape, analytic] of [
    ["zdt1", (f1: number) => 1 - Math.sqrt(f1), 121 - 1 / 3],
    ["zdt2", (f1: number) => 1 - f1 * f1, 121 - 2 / 3],
  ] as const)
    it(`${name}: the front (x1..x5 = 0) is f2 = shape(f1), its hypervolume in (11, 11) is ${analytic.toFixed(6)}`, () => {
      const p = named(name);
      const params = grid(20_000).map((f1) => xs([f1, 0, 0, 0, 0, 0]));
      const front = sampledFront(p, params);
      for (const [f1, f2] of front) assert.ok(Math.abs(f2! - shape(f1!)) < 1e-12);
      // The staircase under a dense sample falls short of the curve by at most a step's width times the range.
      const sampled = hypervolume(front, p.reference);
      assert.ok(sampled <= analytic && analytic - sampled < 1e-4, `${name}: sampled ${sampled} against ${analytic}`);
      assert.equal(p.trueHv(), analytic);
      assertNothingBeyond(p, front);
    });

  it("dtlz2: the front (x1..x5 = ½) is the quarter circle; 1.21 − π/4", () => {
    const p = named("dtlz2");
    const front = sampledFront(
      p,
      grid(20_000).map((x0) => xs([x0, 0.5, 0.5, 0.5, 0.5, 0.5])),
    );
    for (const [f1, f2] of front) assert.ok(Math.abs(f1! ** 2 + f2! ** 2 - 1) < 1e-12);
    const sampled = hypervolume(front, p.reference);
    assert.ok(Math.abs(sampled - (1.21 - Math.PI / 4)) < 1e-4, `sampled ${sampled}`);
    assert.ok(Math.abs(p.trueHv() - (1.21 - Math.PI / 4)) < 1e-15);
    assertNothingBeyond(p, front);
  });

  it("dtlz2_3d: the front is the unit sphere's octant; 1.331 − π/6, by Monte Carlo and a sampled front", () => {
    const p = named("dtlz2_3d");
    const front = sampledFront(
      p,
      grid(30).flatMap((a) => grid(30).map((b) => xs([a, b, 0.5, 0.5, 0.5, 0.5]))),
    );
    const radius = (f: readonly number[]) => Math.hypot(...f);
    for (const f of front) assert.ok(Math.abs(radius(f) - 1) < 1e-12);
    // In three dimensions a sample of the front leaves gaps a random point can fall into: nothing
    // beyond the front means nothing inside the ball.
    for (const x of randomConfigs(p, 2000)) assert.ok(radius(lossAt(p, x).loss) >= 1 - 1e-12);
    // A point of the box is dominated by the sphere exactly when it lies outside the ball.
    const rng = createRng(3);
    const n = 200_000;
    let outside = 0;
    for (let i = 0; i < n; i++)
      if ((1.1 * rng.next()) ** 2 + (1.1 * rng.next()) ** 2 + (1.1 * rng.next()) ** 2 >= 1) outside++;
    const monteCarlo = (outside / n) * 1.331;
    const analytic = 1.331 - Math.PI / 6;
    assert.ok(Math.abs(monteCarlo - analytic) < 0.005, `Monte Carlo ${monteCarlo} against ${analytic}`);
    assert.ok(Math.abs(p.trueHv() - analytic) < 1e-15);
    const sampled = hypervolume(front, p.reference);
    assert.ok(sampled < analytic && analytic - sampled < 0.05, `a 31×31 sample of the front: ${sampled}`);
  });

  it("constr: x1 = max(0, 6 − 9·x0) on x0 ∈ [7/18, 1] is feasible and the front; its hypervolume integrates to 5.190448", () => {
    const p = named("constr");
    // Nudged inside: exactly on c1 = 0 (and at 7/18 on c2 = 0 too), rounding can leave either a hair above 0.
    const x0s = grid(20_000).map((t) => 7 / 18 + 1e-9 + t * (1 - 7 / 18 - 1e-9));
    const front = sampledFront(
      p,
      x0s.map((x0) => ({ x0, x1: Math.max(0, 6 - 9 * x0) + 1e-12 })),
    );
    for (const [f1, f2] of front) assert.ok(Math.abs(f2! - (f1! < 2 / 3 ? 7 / f1! - 9 : 1 / f1!)) < 1e-9);
    // ∫ (9.8 − front) over [7/18, 1], and the strip from f1 = 1 to the reference's 1.1 above f2 = 1.
    const analytic = 18.8 * (5 / 18) - 7 * Math.log(12 / 7) + 9.8 / 3 - Math.log(1.5) + 0.1 * 8.8;
    assert.ok(Math.abs(p.trueHv() - analytic) < 1e-9, `${p.trueHv()} against ${analytic}`);
    assert.ok(Math.abs(hypervolume(front, p.reference) - analytic) < 1e-3);
    assert.ok(lossAt(p, { x0: 0.3, x1: 0 }).violation > 0, "left of 7/18 nothing is feasible");
    assertNothingBeyond(p, front);
  });

  it("tnk: a known optimum a = b = √0.55 lies on the constraint; the hypervolume matches a grid of the feasible set", () => {
    const p = named("tnk");
    const edge = Math.sqrt(0.55);
    assert.equal(lossAt(p, { a: edge + 1e-9, b: edge + 1e-9 }).violation, 0);
    assert.ok(lossAt(p, { a: 0.99 * edge, b: 0.99 * edge }).violation > 0);
    // Independently: the box's cells dominated by some feasible cell (midpoints, swept on a grid).
    const cells = 1200;
    const h = p.reference[0]! / cells;
    const feasibleAtOrBelow = new Array<boolean>(cells).fill(false);
    let dominated = 0;
    for (let i = 0; i < cells; i++) {
      let reach = false;
      for (let j = 0; j < cells; j++) {
        reach ||= lossAt(p, { a: (i + 0.5) * h, b: (j + 0.5) * h }).violation === 0;
        feasibleAtOrBelow[j] ||= reach;
        if (feasibleAtOrBelow[j]) dominated++;
      }
    }
    const swept = dominated * h * h;
    assert.ok(Math.abs(swept - p.trueHv()) < 1e-3, `grid ${swept} against ${p.trueHv()}`);
  });

  it("mixed_model: each optimizer's best training part reaches the claimed front, and no random configuration passes it", () => {
    const p = named("mixed_model");
    const best = (optimizer: "adam" | "sgd", width: number, layers: number): Params =>
      optimizer === "adam"
        ? { lr: 1e-3, width, layers, optimizer }
        : { lr: 10 ** -1.5, width, layers, optimizer, momentum: 0.9 };
    const front = sampledFront(
      p,
      (["adam", "sgd"] as const).flatMap((o) =>
        [1, 2, 3, 4].flatMap((layers) => Array.from({ length: 512 - 16 + 1 }, (_, w) => best(o, 16 + w, layers))),
      ),
    );
    assert.ok(Math.abs(hypervolume(front, p.reference) - p.trueHv()) < 1e-12);
    assertNothingBeyond(p, front);
  });

  it("scores the regret of feasible points only, never rising, from the true hypervolume down", () => {
    const p = named("constr");
    const curve = hvRegretCurve(p, [
      lossAt(p, { x0: 0.2, x1: 0 }),
      undefined,
      lossAt(p, { x0: 0.5, x1: 1.5 }),
      lossAt(p, { x0: 1, x1: 0 }),
    ]);
    assert.equal(curve[0], p.trueHv(), "an infeasible point covers nothing");
    assert.equal(curve[1], p.trueHv());
    assert.ok(curve[2]! < curve[1]! && curve[3]! < curve[2]!);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Trial } from "../../src/protocol/trial.ts";
import { buildSpace } from "../../src/space/space.ts";
import { encodingOf } from "../../src/strategy/bayes/encoding.ts";
import { Posterior } from "../../src/strategy/bayes/gp.ts";
import { type Acquisition, initialPool, refine } from "../../src/strategy/bayes/optimize.ts";
import { regionAround, regionLength } from "../../src/strategy/bayes/trust-region.ts";
import { createRng } from "../../src/util/rng.ts";

const outcome = { durationMs: 1, exitCode: 0, signal: null, metrics: {}, intermediate: [], logTail: "" };

/** One finished trial per round, with these values in round order. */
function rounds(values: readonly number[]): Trial[] {
  return values.map((value, i) => ({
    id: i,
    round: i + 1,
    params: { x: 0.5 },
    status: "succeeded",
    attempts: [{ status: "succeeded", value, trialId: i, attempt: 1, ...outcome }],
  }));
}

describe("trust region", () => {
  it("starts at 0.8 of the cube", () => {
    assert.equal(regionLength(rounds([5]), "minimize", 1, 2), 0.8);
  });

  it("doubles after three improving rounds, up to 1.6", () => {
    assert.equal(regionLength(rounds([5, 4, 3, 2]), "minimize", 1, 2), 1.6);
    assert.equal(regionLength(rounds([5, 4, 3, 2, 1, 0.5, 0.2]), "minimize", 1, 2), 1.6);
  });

  it("halves after as many rounds without improvement as the failure tolerance", () => {
    // batch 1, 2 parameters: tolerance ceil(max(4, 2)) = 4 rounds
    assert.equal(regionLength(rounds([5, 6, 6, 6]), "minimize", 1, 2), 0.8);
    assert.equal(regionLength(rounds([5, 6, 6, 6, 6]), "minimize", 1, 2), 0.4);
  });

  it("reads improvement in the goal's direction", () => {
    assert.equal(regionLength(rounds([1, 2, 3, 4]), "maximize", 1, 2), 1.6);
    assert.equal(regionLength(rounds([1, 2, 3, 4]), "minimize", 1, 2), 0.8);
  });

  it("starts over at full size once it has collapsed", () => {
    const stalled = [5, ...Array<number>(4 * 7).fill(6)];
    assert.equal(regionLength(rounds(stalled), "minimize", 1, 2), 0.8);
    assert.equal(regionLength(rounds(stalled.slice(0, -4)), "minimize", 1, 2), 0.8 / 2 ** 6);
  });

  it("gives a smoother direction a longer side, clips to the cube and leaves categories whole", () => {
    const enc = encodingOf(
      buildSpace({
        a: { type: "float", min: 0, max: 1, scale: "linear" },
        b: { type: "float", min: 0, max: 1, scale: "linear" },
        c: { type: "categorical", values: ["x", "y"] },
      }),
    );
    // length scales 0.4 and 0.1: geometric mean 0.2, so sides 2L and L/2
    const region = regionAround(enc, Float64Array.from([0.5, 0.95, 0.25]), 0.2, Float64Array.from([1 / 0.16, 100, 1]));
    assert.ok(Math.abs(region.lo[0]! - 0.3) < 1e-12 && Math.abs(region.hi[0]! - 0.7) < 1e-12);
    assert.ok(Math.abs(region.lo[1]! - 0.9) < 1e-12);
    assert.equal(region.hi[1], 1);
    assert.deepEqual([region.lo[2], region.hi[2]], [0, 1]);
  });

  it("confines the local search's pool and refinement to the region", () => {
    const enc = encodingOf(
      buildSpace({
        a: { type: "float", min: 0, max: 1, scale: "linear" },
        b: { type: "float", min: 0, max: 1, scale: "linear" },
      }),
    );
    const data = {
      features: enc,
      x: Float64Array.from([0.1, 0.9, 0.5, 0.5, 0.8, 0.2]),
      y: Float64Array.from([1, -1, 0]),
      n: 3,
    };
    const gp = new Posterior(data, Float64Array.from([Math.log(0.3), Math.log(0.3), 0, Math.log(1e-4)]), 0);
    const acq: Acquisition = { enc, gp, best: -1, rng: createRng(7) };
    const centre = Float64Array.from([0.1, 0.9]);
    const region = regionAround(enc, centre, 0.1, gp.invL2);
    const inside = (u: Float64Array) => [0, 1].every((d) => u[d]! >= region.lo[d]! && u[d]! <= region.hi[d]!);
    const pool = initialPool(acq, 64, 3, [centre], 30, region);
    assert.equal(pool.length, 94);
    for (const c of pool) assert.ok(inside(c.point.u), `pool point ${Array.from(c.point.u)} outside the region`);
    for (const c of refine(acq, pool[0]!, 40, new Set(), region))
      assert.ok(inside(c.point.u), `refined point ${Array.from(c.point.u)} outside the region`);
    // Without the region the same search leaves it: the check above can fail.
    assert.ok(initialPool(acq, 64, 3, [centre], 30).some((c) => !inside(c.point.u)));
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dotAt, rowStart, solveLowerInPlace } from "../../src/strategy/bayes/linalg.ts";
import { solveMemory } from "../../src/strategy/bayes/simd.ts";
import { createRng } from "../../src/util/rng.ts";

// Predictions must not depend on which code computed them, so the comparisons
// here are exact: the WebAssembly routines promise the rounding of linalg.ts.
describe("bayes: WebAssembly forward solve", () => {
  const rng = createRng(7);
  const n = 37;

  it("dot rounds exactly as dotAt, at every length and at odd offsets", () => {
    const m = solveMemory(200);
    for (let i = 0; i < 200; i++) m.f64[i] = rng.normal() * 10 ** (4 * rng.normal());
    for (let len = 0; len <= 23; len++)
      for (const [a, b] of [
        [0, 100],
        [3, 101],
        [17, 50],
      ] as const)
        assert.equal(m.dot(a, b, len), dotAt(m.f64, a, m.f64, b, len), `len ${len}, offsets ${a} and ${b}`);
  });

  it("forward solves as solveLowerInPlace does, also when resumed part way", () => {
    const size = rowStart(n);
    const m = solveMemory(size + 2 * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) m.f64[rowStart(i) + j] = rng.normal();
      m.f64[rowStart(i) + i] = 1 + rng.next();
    }
    const k = Float64Array.from({ length: n }, () => rng.normal());
    m.f64.set(k, size + n);
    const expected = Float64Array.from(k);
    solveLowerInPlace(m.f64.subarray(0, size), n, expected);
    m.forward(0, size, size + n, 0, 13);
    m.forward(0, size, size + n, 13, n);
    assert.deepEqual(m.f64.subarray(size, size + n), expected);
  });
});

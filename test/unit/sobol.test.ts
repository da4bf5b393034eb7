import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SOBOL_MAX_DIM, sobolPoint, sobolPointUnscrambled } from "../../src/space/sobol.ts";

const TWO_POW_32 = 2 ** 32;

function points(n: number, dim: number, seed?: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    seed === undefined ? sobolPointUnscrambled(i, dim) : sobolPoint(i, dim, seed),
  );
}

/**
 * Whether the first 2^m points, projected on dims (a, b), form a (t, m, 2)-net: every
 * elementary box 2^-ea x 2^-eb with ea + eb = m - t holds exactly 2^t of them.
 */
function isNet2d(pts: number[][], a: number, b: number, m: number, t: number): boolean {
  for (let ea = 0; ea <= m - t; ea++) {
    const eb = m - t - ea;
    const counts = new Map<number, number>();
    for (const p of pts.slice(0, 2 ** m)) {
      const cell = Math.floor(p[a]! * 2 ** ea) * 2 ** eb + Math.floor(p[b]! * 2 ** eb);
      counts.set(cell, (counts.get(cell) ?? 0) + 1);
    }
    if (counts.size !== 2 ** (m - t) || [...counts.values()].some((c) => c !== 2 ** t)) {
      return false;
    }
  }
  return true;
}

function tValue(pts: number[][], a: number, b: number, m: number): number {
  let t = 0;
  while (!isNet2d(pts, a, b, m, t)) t++;
  return t;
}

describe("sobolPointUnscrambled", () => {
  it("matches scipy's first points in dims 0 and 1", () => {
    const pts = points(8, 2);
    assert.deepEqual(
      pts.map((p) => p[0]),
      [0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125],
    );
    assert.deepEqual(
      pts.map((p) => p[1]),
      [0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625],
    );
  });

  it("matches scipy's first points in high dims", () => {
    const pts = points(9, 128);
    assert.deepEqual(
      pts.map((p) => p[63]),
      [0, 0.5, 0.75, 0.25, 0.125, 0.625, 0.875, 0.375, 0.6875],
    );
    assert.deepEqual(
      pts.map((p) => p[127]),
      [0, 0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375, 0.0625],
    );
  });

  // From scipy 1.10.1: Sobol(128, scramble=False, bits=32).fast_forward(n).random(1), times 2^32.
  const scipyAt: [number, Record<number, number>][] = [
    [
      123456,
      {
        2: 1319665664,
        5: 872972288,
        10: 2143649792,
        37: 2008580096,
        63: 4089413632,
        127: 2489417728,
      },
    ],
    [
      2 ** 31 + 777,
      {
        2: 1656798139,
        5: 2603445613,
        10: 3769634359,
        37: 2551244775,
        63: 1336205579,
        127: 3678848133,
      },
    ],
    [
      2 ** 32 - 1,
      {
        2: 3305133397,
        5: 1086045115,
        10: 2177894957,
        37: 2549147109,
        63: 303916897,
        127: 2699379135,
      },
    ],
  ];
  for (const [index, expected] of scipyAt) {
    it(`matches scipy at index ${index}`, () => {
      const p = sobolPointUnscrambled(index, 128);
      for (const [d, bits] of Object.entries(expected)) {
        assert.equal(p[Number(d)]! * TWO_POW_32, bits, `dim ${d}`);
      }
    });
  }
});

describe("sobolPoint", () => {
  const seeds = [0, 1, 42, 0xdeadbeef];

  it("keeps the 1-D net property: first 2^m points fill all 2^m strata", () => {
    for (const seed of seeds) {
      const pts = points(1024, SOBOL_MAX_DIM, seed);
      for (const d of [0, 1, 2, 5, 17, 31, 63, SOBOL_MAX_DIM - 1]) {
        for (let m = 0; m <= 10; m++) {
          const n = 2 ** m;
          const strata = new Set(pts.slice(0, n).map((p) => Math.floor(p[d]! * n)));
          assert.equal(strata.size, n, `seed ${seed}, dim ${d}, m ${m}`);
        }
      }
    }
  });

  it("keeps dims 0 and 1 a (0,m,2)-net: first 4^k points fill the 2^k x 2^k grid", () => {
    for (const seed of seeds) {
      const pts = points(4 ** 5, 2, seed);
      for (let k = 1; k <= 5; k++) {
        const g = 2 ** k;
        const cells = new Set(pts.slice(0, g * g).map((p) => Math.floor(p[0]! * g) * g + Math.floor(p[1]! * g)));
        assert.equal(cells.size, g * g, `seed ${seed}, k ${k}`);
        assert.ok(isNet2d(pts, 0, 1, 2 * k, 0));
      }
    }
  });

  // Dims 2 and 5 are not a (0,m,2)-net for every m (at m = 4 the 4 x 4 grid is not
  // filled), so check the t-value of each 2^m prefix instead: Owen scrambling must keep it.
  it("keeps the 2-D t-value of dims 2 and 5", () => {
    const expected = [0, 0, 0, 1, 2, 2, 0, 1, 2, 2];
    const plain = points(1024, 6);
    for (const seed of seeds) {
      const pts = points(1024, 6, seed);
      for (let m = 1; m <= 10; m++) {
        assert.equal(tValue(plain, 2, 5, m), expected[m - 1], `unscrambled, m ${m}`);
        assert.equal(tValue(pts, 2, 5, m), expected[m - 1], `seed ${seed}, m ${m}`);
      }
    }
  });

  it("is deterministic and pinned to exact values", () => {
    assert.deepEqual(sobolPoint(5, 4, 42), sobolPoint(5, 4, 42));
    const asBits = (p: number[]) => p.map((x) => x * TWO_POW_32);
    assert.deepEqual(asBits(sobolPoint(5, 4, 42)), [3063286148, 2443861769, 93173025, 90853911]);
    assert.deepEqual(asBits(sobolPoint(2 ** 32 - 1, 3, 1)), [1807545936, 4015497148, 2097535993]);
    assert.deepEqual(asBits(sobolPoint(0, 3, 0)), [134276066, 81352938, 1310492262]);
  });

  it("gives each dimension the same value whatever the total dim", () => {
    const full = sobolPoint(77, SOBOL_MAX_DIM, 9);
    assert.deepEqual(sobolPoint(77, 3, 9), full.slice(0, 3));
    assert.deepEqual(sobolPoint(77, 40, 9), full.slice(0, 40));
  });

  it("changes with the seed", () => {
    for (const index of [0, 1, 100, 2 ** 32 - 1]) {
      const a = sobolPoint(index, 8, 1);
      const b = sobolPoint(index, 8, 2);
      assert.ok(
        a.every((x, d) => x !== b[d]),
        `index ${index}: ${a} vs ${b}`,
      );
    }
  });

  it("keeps every coordinate in [0, 1)", () => {
    for (const seed of [0, -1, 7, 2 ** 31, 0xffffffff]) {
      for (const index of [0, 1, 2, 1023, 65535, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1]) {
        for (const x of sobolPoint(index, SOBOL_MAX_DIM, seed)) {
          assert.ok(x >= 0 && x < 1, `seed ${seed}, index ${index}: ${x}`);
        }
      }
    }
  });

  it("has mean near 0.5 over the first 1024 points in every dim", () => {
    const pts = points(1024, SOBOL_MAX_DIM, 3);
    for (let d = 0; d < SOBOL_MAX_DIM; d++) {
      const mean = pts.reduce((s, p) => s + p[d]!, 0) / pts.length;
      assert.ok(Math.abs(mean - 0.5) < 0.01, `dim ${d}: mean ${mean}`);
    }
  });

  it("supports up to SOBOL_MAX_DIM dims and rejects more", () => {
    assert.ok(SOBOL_MAX_DIM >= 64);
    assert.equal(sobolPoint(3, SOBOL_MAX_DIM, 0).length, SOBOL_MAX_DIM);
    assert.deepEqual(sobolPoint(3, 0, 0), []);
    assert.throws(() => sobolPoint(3, SOBOL_MAX_DIM + 1, 0), /Sobol dimension must be/);
    assert.throws(() => sobolPointUnscrambled(3, SOBOL_MAX_DIM + 1), /Sobol dimension must be/);
    assert.throws(() => sobolPoint(3, 1.5, 0), /Sobol dimension must be/);
  });

  it("rejects indices outside [0, 2^32)", () => {
    for (const index of [-1, 0.5, 2 ** 32, Number.NaN]) {
      assert.throws(() => sobolPoint(index, 2, 0), /Sobol index must be/);
    }
  });
});

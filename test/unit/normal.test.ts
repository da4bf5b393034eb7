/**
 * The one normal distribution (src/util/normal.ts) and the one mean
 * (src/util/mean.ts), against values computed with mpmath at 40 digits.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allEqual, mean } from "../../src/util/mean.ts";
import { erfc, erfcx, normalCdf, normalPdf, normalQuantile } from "../../src/util/normal.ts";

function closeRel(actual: number, expected: number, tol: number, what: string): void {
  const rel = expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(rel <= tol, `${what}: ${actual} against ${expected} (relative error ${rel.toExponential(2)})`);
}

// erfc(x) from mpmath (mp.dps = 40), rounded to 17 digits.
const ERFC: [number, number][] = [
  [-3, 1.9999779095030015],
  [-1, 1.842700792949715],
  [-0.5, 1.5204998778130465],
  [0, 1.0],
  [1e-8, 0.9999999887162083],
  [0.1, 0.887537083981715],
  [0.5, 0.4795001221869535],
  [1, 0.15729920705028513],
  [1.5, 0.033894853524689274],
  [1.9, 0.0072095707647425325],
  [1.99, 0.004888586800383003],
  [2, 0.004677734981047266],
  [2.5, 0.0004069520174449589],
  [3, 2.209049699858544e-5],
  [4, 1.541725790028002e-8],
  [5, 1.537459794428035e-12],
  [7, 4.183825607779414e-23],
  [10, 2.088487583762545e-45],
  [15, 7.212994172451207e-100],
  [20, 5.395865611607901e-176],
  [26, 5.663192408856143e-296],
];

describe("erfc", () => {
  it("is accurate to 1e-12 relative from the left tail to the far right tail", () => {
    for (const [x, expected] of ERFC) closeRel(erfc(x), expected, 1e-12, `erfc(${x})`);
  });

  it("scaled, exp(x²)·erfc(x), stays accurate where erfc itself underflows", () => {
    const ERFCX: [number, number][] = [
      [0, 1.0],
      [0.5, 0.6156903441929259],
      [2, 0.25539567631050575],
      [10, 0.05614099274382259],
      [100, 0.005641613782989433],
      [1e4, 5.641895807268084e-5],
    ];
    for (const [x, expected] of ERFCX) closeRel(erfcx(x), expected, 1e-12, `erfcx(${x})`);
  });

  it("goes to 0 and 2 at the ends, and erfc(x) + erfc(-x) = 2", () => {
    assert.equal(erfc(Number.POSITIVE_INFINITY), 0);
    assert.equal(erfc(40), 0);
    assert.equal(erfc(-40), 2);
    for (const x of [0.1, 0.7, 1.3, 2.2, 3.1]) closeRel(erfc(x) + erfc(-x), 2, 1e-15, `erfc(±${x})`);
  });
});

describe("the standard normal", () => {
  it("CDF to 1e-12 relative, the far tail included", () => {
    const CDF: [number, number][] = [
      [-37, 5.725571222524577e-300],
      [-20, 2.7536241186062337e-89],
      [-8, 6.220960574271784e-16],
      [-3, 0.0013498980316300946],
      [-1.959963984540054, 0.025000000000000012],
      [0, 0.5],
      [1, 0.8413447460685429],
      [3, 0.9986501019683699],
      [8, 0.9999999999999993],
    ];
    for (const [z, expected] of CDF) closeRel(normalCdf(z), expected, 1e-12, `Φ(${z})`);
    assert.ok(Number.isNaN(normalCdf(Number.NaN)));
  });

  it("density", () => {
    closeRel(normalPdf(0), 0.3989422804014327, 1e-15, "φ(0)");
    closeRel(normalPdf(2), 0.05399096651318806, 1e-14, "φ(2)");
  });

  it("quantile", () => {
    const Q: [number, number][] = [
      [1e-10, -6.361340902404057],
      [0.001, -3.0902323061678136],
      [0.02425, -1.9729610513118847],
      [0.3, -0.5244005127080408],
      [0.975, 1.9599639845400538],
      [0.999999, 4.753424308817088],
    ];
    // 1e-11: above 0.5 the refinement step works with Φ(x) − p, where Φ(x) near 1 carries only ~1e-16 absolute.
    for (const [p, expected] of Q) closeRel(normalQuantile(p), expected, 1e-11, `Φ⁻¹(${p})`);
    assert.equal(normalQuantile(0.5), 0);
    assert.equal(normalQuantile(0), Number.NEGATIVE_INFINITY);
    assert.equal(normalQuantile(1), Number.POSITIVE_INFINITY);
    assert.ok(Number.isNaN(normalQuantile(1.5)));
  });
});

describe("mean", () => {
  it("sums in order, gives identical values back exactly and NaN for none", () => {
    assert.equal(mean([1, 2, 3, 4]), 2.5);
    assert.equal(mean(Float64Array.from([1, 2])), 1.5);
    assert.equal(mean([0.1, 0.1, 0.1]), 0.1);
    assert.notEqual((0.1 + 0.1 + 0.1) / 3, 0.1);
    assert.ok(Number.isNaN(mean([])));
    assert.equal(allEqual([]), true);
    assert.equal(allEqual([2, 2, 3]), false);
  });
});

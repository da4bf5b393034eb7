import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareStudyFronts } from "../../src/compare/studies.ts";
import { renderFrontComparison } from "../../src/report/front-comparison.ts";
import type { Study } from "../../src/study/schema.ts";
import { latencyAccuracy, moStudy } from "../helpers/mo-study.ts";

/** A trade-off along x: latency grows with it, and so does accuracy. */
const config = (repeats: number) => latencyAccuracy({ seed: 5, repeats, trials: 12 });

/** Each run's noise, the same for a member on both sides: only the shifts differ between them. */
const NOISE = [1, -1, 0];

function study(
  repeats: number,
  { latency = 0, tilt = 0, noise = 0 }: { latency?: number; tilt?: number; noise?: number },
): Study {
  return moStudy(config(repeats), (p, member) => {
    const x = Number(p.x);
    const n = noise * NOISE[member % NOISE.length]!;
    return { latency_ms: 10 * x + latency + n, accuracy: x + tilt * (x - 0.5) + n / 100 };
  });
}

function compare(repeats: number, pr: Study, main: Study) {
  const c = compareStudyFronts(
    config(repeats),
    { study: pr, label: "this pull request" },
    { study: main, label: "main" },
  );
  assert.ok(c, "both studies have a front");
  return { c, md: renderFrontComparison(c, "Compared with main") };
}

describe("comparing two Pareto fronts", () => {
  it("a front whose every point is faster at the same accuracy dominates, confirmed by the repeats", () => {
    const { c, md } = compare(3, study(3, { latency: -1, noise: 0.05 }), study(3, { noise: 0.05 }));
    assert.equal(c.verdict, "dominates");
    assert.equal(c.noise, "repeats");
    assert.equal(c.candidate.undominated, c.candidate.points.length);
    assert.equal(c.baseline.undominated, 0);
    assert.ok(c.candidate.hypervolume > c.baseline.hypervolume);
    assert.match(md, /\*\*Verdict: the front of this pull request dominates that of main\*\*/);
    assert.doesNotMatch(md, /not confirmed/);
    assert.match(md, /\| this pull request \| +12 \|/);
  });

  it("the same fronts the other way round: the pull request's is dominated", () => {
    const { c, md } = compare(3, study(3, { noise: 0.05 }), study(3, { latency: -1, noise: 0.05 }));
    assert.equal(c.verdict, "is dominated by");
    assert.match(md, /\*\*Verdict: the front of this pull request is dominated by that of main\*\*/);
  });

  it("fronts better in different parts of the trade-off cross", () => {
    const { c, md } = compare(1, study(1, { tilt: 0.3 }), study(1, {}));
    assert.equal(c.verdict, "crosses");
    assert.ok(c.candidate.undominated > 0 && c.candidate.undominated < c.candidate.points.length);
    assert.ok(c.baseline.undominated > 0 && c.baseline.undominated < c.baseline.points.length);
    assert.match(md, /\*\*Verdict: the fronts cross \(not confirmed\)\*\*/);
    assert.match(md, /One run each, so no noise estimate/);
  });

  it("a shift within the noise is no difference with repeats, and unconfirmed with one run each", () => {
    const repeated = compare(3, study(3, { latency: -0.1, noise: 2 }), study(3, { noise: 2 }));
    assert.equal(repeated.c.verdict, "indistinguishable from");
    assert.match(repeated.md, /\*\*Verdict: no significant difference between the fronts\*\* — .* within the noise/);
    assert.match(repeated.md, /97\.5% interval/);
    // One run each: the values alone say the pull request is faster, which nothing can confirm.
    const single = compare(1, study(1, { latency: -0.1, noise: 2 }), study(1, { noise: 2 }));
    assert.equal(single.c.verdict, "dominates");
    assert.equal(single.c.noise, "single");
    assert.match(single.md, /dominates that of main \(not confirmed\)\*\*/);
  });

  it("identical studies are indistinguishable, and a side without a feasible front is not compared", () => {
    assert.equal(compare(1, study(1, {}), study(1, {})).c.verdict, "indistinguishable from");
    const failed = moStudy(config(1), () => "fail");
    assert.equal(
      compareStudyFronts(
        config(1),
        { study: failed, label: "this pull request" },
        { study: study(1, {}), label: "main" },
      ),
      undefined,
    );
  });
});

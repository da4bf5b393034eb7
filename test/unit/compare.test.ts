import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Comparison,
  compareSamples,
  DEFAULT_CONFIDENCE,
  type Sample,
  sameRef,
} from "../../src/compare/compare.ts";
import { incompleteBeta, lnGamma, sampleStd, tCdf, tQuantile, welchInterval } from "../../src/compare/stats.ts";
import { compareStudies } from "../../src/compare/studies.ts";
import { evaluatedAttempt } from "../../src/driver/in-process.ts";
import { renderComparison } from "../../src/report/comparison.ts";
import { createStudy, openRound, recordAttempt } from "../../src/study/study.ts";
import { mean } from "../../src/util/mean.ts";
import { normalCdf, normalQuantile } from "../../src/util/normal.ts";
import { createRng } from "../../src/util/rng.ts";
import { configFrom } from "../helpers/config.ts";

const close = (actual: number, expected: number, tol: number, what = "") =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);

const s = (label: string, values: number[], extra: Partial<Sample> = {}): Sample => ({ label, values, ...extra });
const min = { goal: "minimize", metric: "loss" } as const;
const max = { goal: "maximize", metric: "accuracy" } as const;

describe("statistics", () => {
  it("gives mean and sample standard deviation, exactly 0 for identical values", () => {
    assert.equal(mean([1, 2, 3, 4]), 2.5);
    close(sampleStd([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7), 1e-12);
    assert.equal(sampleStd([0.1, 0.1, 0.1]), 0);
    assert.equal(mean([0.1, 0.1, 0.1]), 0.1, "not 0.30000000000000004 / 3");
    assert.ok(Number.isNaN(sampleStd([1])));
    assert.ok(Number.isNaN(mean([])));
  });

  it("computes ln Γ and the regularized incomplete beta function", () => {
    close(lnGamma(5), Math.log(24), 1e-12);
    close(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-12);
    close(incompleteBeta(0.3, 2, 3), 0.3483, 1e-12); // 6x²/2 − 8x³/3 + 3x⁴/4 … at x = 0.3
    close(incompleteBeta(0.5, 7.5, 7.5), 0.5, 1e-12);
    assert.equal(incompleteBeta(0, 2, 3), 0);
    assert.equal(incompleteBeta(1, 2, 3), 1);
  });

  it("matches t-table quantiles (two-sided 95% and others)", () => {
    const table: [number, number, number][] = [
      [0.975, 1, 12.706],
      [0.975, 2, 4.303],
      [0.975, 5, 2.571],
      [0.975, 10, 2.228],
      [0.975, 30, 2.042],
      [0.975, 120, 1.98],
      [0.975, 1e9, 1.96],
      [0.995, 10, 3.169],
      [0.99, 8, 2.896],
      [0.95, 3, 2.353],
      [0.9, 20, 1.325],
    ];
    for (const [p, df, t] of table) close(tQuantile(p, df), t, 6e-4, `t_{${p},${df}}`);
    close(tQuantile(0.975, 1), 12.706204736174707, 1e-9, "Cauchy closed form");
    close(tQuantile(0.975, 5), 2.5705818366147395, 1e-9);
    close(tQuantile(0.975, Number.POSITIVE_INFINITY), 1.959963984540054, 1e-12);
    close(tQuantile(0.025, 5), -2.5705818366147395, 1e-9, "symmetric");
    assert.equal(tQuantile(0.5, 7), 0);
  });

  it("has a CDF that inverts the quantile, for fractional df too", () => {
    close(tCdf(1, 1), 0.75, 1e-14);
    close(tCdf(2, 2), 0.5 + 2 / (2 * Math.sqrt(6)), 1e-14);
    close(tCdf(2.571, 5), 0.975, 1e-4);
    close(tCdf(-2.042, 30), 0.025, 1e-4);
    assert.equal(tCdf(0, 3.3), 0.5);
    for (const df of [1, 1.5, 2.7, 4, 7.9, 25, 1e4])
      for (const p of [0.001, 0.05, 0.3, 0.7, 0.975, 0.9999])
        close(tCdf(tQuantile(p, df), df), p, 1e-11, `df=${df} p=${p}`);
    close(normalCdf(1.959963984540054), 0.975, 1e-15);
    close(normalQuantile(0.001), -3.090232306167813, 1e-12);
    assert.throws(() => tCdf(1, 0), RangeError);
  });

  it("gives Welch's interval for a hand-computed case", () => {
    // a: mean 2.5, s² = 5/3, s²/n = 5/12; b: mean 6, s² = 10, s²/n = 2.
    // SE = √(29/12) = 1.554563; df = (29/12)² / ((5/12)²/3 + 2²/4) = 5.520788.
    const w = welchInterval([1, 2, 3, 4], [2, 4, 6, 8, 10], 0.95)!;
    assert.equal(w.difference, -3.5);
    close(w.standardError, Math.sqrt(29 / 12), 1e-12);
    close(w.df, (29 / 12) ** 2 / ((5 / 12) ** 2 / 3 + 1), 1e-12);
    close(w.df, 5.520788, 1e-6);
    // t_{0.975, 5.5208} lies between the table's 2.571 (5 df) and 2.447 (6 df); 2.49933 by integration.
    close(w.critical, 2.49933, 1e-5);
    close(w.interval[0], -3.5 - w.critical * w.standardError, 1e-12);
    close(w.interval[1], -3.5 + w.critical * w.standardError, 1e-12);
    close(w.interval[0], -7.3854, 1e-4);
    close(w.interval[1], 0.3854, 1e-4);
    assert.ok(w.pValue > 0.05 && w.pValue < 0.1);
    assert.equal(welchInterval([1], [1, 2]), undefined, "needs 2 values a side");
    assert.equal(welchInterval([1, 1], [2, 2]), undefined, "no spread at all");
  });
});

describe("compareSamples", () => {
  const low = [0.2, 0.21, 0.19, 0.2, 0.205];
  const high = [0.3, 0.31, 0.29, 0.3, 0.295];

  it("says better or worse by the goal's direction when the interval excludes zero", () => {
    const better = compareSamples(s("PR", low), s("main", high), min);
    assert.equal(better.verdict, "better");
    assert.ok(better.interval![1] < 0);
    close(better.difference, mean(low) - mean(high), 1e-15);
    assert.equal(better.confidence, DEFAULT_CONFIDENCE);
    assert.equal(compareSamples(s("PR", high), s("main", low), min).verdict, "worse");
    assert.equal(compareSamples(s("PR", high), s("main", low), max).verdict, "better");
    assert.equal(compareSamples(s("PR", low), s("main", high), max).verdict, "worse");
    assert.match(better.note, /excludes zero/);
  });

  it("says no significant difference when the interval covers zero, in both directions", () => {
    const a = [0.2, 0.25, 0.18, 0.23, 0.21];
    const b = [0.22, 0.19, 0.24, 0.2, 0.21];
    for (const opts of [min, max]) {
      const c = compareSamples(s("PR", a), s("main", b), opts);
      assert.equal(c.verdict, "no significant difference");
      assert.ok(c.interval![0] <= 0 && c.interval![1] >= 0);
      assert.match(c.note, /within the noise/);
    }
  });

  it("uses the confidence it is given", () => {
    const a = [1, 2, 3, 4];
    const b = [2, 4, 6, 8, 10];
    const c95 = compareSamples(s("PR", a), s("main", b), { ...min, confidence: 0.95 });
    const c80 = compareSamples(s("PR", a), s("main", b), { ...min, confidence: 0.8 });
    assert.equal(c95.verdict, "no significant difference", "p ≈ 0.069");
    assert.equal(c80.verdict, "better");
    assert.ok(c80.interval![1] - c80.interval![0] < c95.interval![1] - c95.interval![0]);
    assert.throws(() => compareSamples(s("PR", a), s("main", b), { ...min, confidence: 95 }), RangeError);
  });

  it("calls a single run unverified and suggests repeats", () => {
    for (const [c, b] of [
      [[0.1], [0.3, 0.31, 0.29]],
      [[0.1, 0.11], [0.3]],
      [[0.1], [0.3]],
    ] as const) {
      const r = compareSamples(s("PR", [...c]), s("main", [...b]), min);
      assert.equal(r.verdict, "unverified");
      assert.equal(r.interval, undefined);
      assert.match(r.note, /unverified/);
      assert.match(r.note, /repeats: 5/);
      assert.match(r.note, /tell a real gain from noise/);
    }
    const none = compareSamples(s("PR", []), s("main", [0.3, 0.31]), min);
    assert.equal(none.verdict, "unverified");
    assert.match(none.note, /"PR" has no finite value of loss/);
  });

  it("leaves out non-finite values and says so", () => {
    const c = compareSamples(s("PR", [0.2, Number.NaN, 0.21, 0.2]), s("main", [0.3, 0.31, 0.3]), min);
    assert.equal(c.candidate.n, 3);
    assert.equal(c.verdict, "better");
    assert.match(c.note, /Left out non-finite values: 1 of "PR"/);
  });

  it("does not divide by zero when there is no variance", () => {
    const same = compareSamples(s("PR", [0.5, 0.5, 0.5]), s("main", [0.5, 0.5, 0.5]), min);
    assert.equal(same.verdict, "no significant difference");
    assert.deepEqual(same.interval, [0, 0]);
    assert.equal(same.difference, 0);
    assert.match(same.note, /same loss on every repeat/);

    const exact = compareSamples(s("PR", [0.4, 0.4, 0.4]), s("main", [0.5, 0.5, 0.5]), min);
    assert.equal(exact.verdict, "better");
    assert.ok(Number.isFinite(exact.difference));
    close(exact.interval![0], -0.1, 1e-12);
    assert.match(exact.note, /exact rather than estimated/);

    // One side constant, the other noisy: Welch still works, with n − 1 df from the noisy side.
    const half = compareSamples(s("PR", [0.5, 0.5, 0.5]), s("main", [0.49, 0.51, 0.5, 0.52]), min);
    close(half.df!, 3, 1e-12);
    assert.ok(half.interval!.every(Number.isFinite));
  });

  it("never reports the same commit with the same parameters as better", () => {
    const ref = "0123456789abcdef0123456789abcdef01234567";
    const params = { lr: 0.01 };
    const c = compareSamples(s("PR", low, { ref, params }), s("main", high, { ref: "0123456", params }), min);
    assert.equal(c.verdict, "no significant difference");
    assert.match(c.note, /same commit with the same parameters/);
    const exact = compareSamples(s("PR", [1, 1]), s("main", [2, 2]), min);
    assert.equal(exact.verdict, "better", "no refs: nothing says they are the same model");
    const moved = compareSamples(s("PR", low, { ref: "abcdef0", params }), s("main", high, { ref, params }), min);
    assert.equal(moved.verdict, "better", "different commits");
    assert.ok(sameRef("ABCDEF0", "abcdef0123"));
    assert.ok(!sameRef("main", "abcdef0"));
    assert.ok(!sameRef("main", "main"), "a branch is not a commit");
    assert.ok(!sameRef(undefined, "abcdef0"));
  });

  it("lists the parameters that differ, including those on one side only", () => {
    const c = compareSamples(
      s("PR", low, { params: { lr: 0.01, layers: 3, opt: "adam", bn: true, width: 1 } }),
      s("main", high, { params: { lr: 0.001, layers: 3, opt: "adam", bn: false, dropout: 0.1, width: "1" } }),
      min,
    );
    assert.deepEqual(c.changedParams, [
      { name: "bn", candidate: true, baseline: false },
      { name: "dropout", baseline: 0.1 },
      { name: "lr", candidate: 0.01, baseline: 0.001 },
      { name: "width", candidate: 1, baseline: "1" },
    ]);
    assert.deepEqual(compareSamples(s("PR", low), s("main", high), min).changedParams, []);
  });
});

describe("simulated comparisons (Normal noise, seeded)", () => {
  const SIGMA = 0.02;
  function run(seed: number, n: number, effect: number): Comparison {
    const rng = createRng(7_919, seed, effect);
    const base = Array.from({ length: n }, () => 0.5 + SIGMA * rng.normal());
    const cand = Array.from({ length: n }, () => 0.5 - effect * SIGMA + SIGMA * rng.normal());
    return compareSamples(s("PR", cand), s("main", base), min);
  }

  it("calls an A/A comparison (same model both sides, 5 repeats) not significant in at least 95 of 100 runs", () => {
    let notSignificant = 0;
    let better = 0;
    for (let seed = 0; seed < 100; seed++) {
      const c = run(seed, 5, 0);
      if (c.verdict === "no significant difference") notSignificant++;
      if (c.verdict === "better") better++;
    }
    assert.ok(notSignificant >= 95, `${notSignificant} of 100 not significant`);
    assert.ok(better <= 3, `${better} of 100 called better`);
  });

  it("calls a real 2σ improvement with 5 repeats better in most of 100 runs", () => {
    let better = 0;
    for (let seed = 0; seed < 100; seed++) if (run(seed, 5, 2).verdict === "better") better++;
    assert.ok(better > 50, `${better} of 100 called better`);
  });

  it("never calls a deterministic unchanged model better", () => {
    for (let seed = 0; seed < 20; seed++) {
      const v = 0.5 + SIGMA * createRng(seed).normal();
      const c = compareSamples(s("PR", [v, v, v]), s("main", [v, v, v]), min);
      assert.equal(c.verdict, "no significant difference");
    }
  });
});

describe("renderComparison", () => {
  it("shows both sides, the interval, the verdict in words and the parameters that differ", () => {
    const c = compareSamples(
      s("this PR", [0.251, 0.248, 0.255, 0.252, 0.25], {
        params: { lr: 0.01, opt: "adam" },
        ref: "abc1234def5678abc1234def5678abc1234def56",
      }),
      s("main", [0.253, 0.256, 0.249, 0.254, 0.251], {
        params: { lr: 0.001, opt: "adam", dropout: 0.1 },
        ref: "0123456789",
      }),
      min,
    );
    const md = renderComparison(c);
    assert.match(md, /^### Compared with the baseline\n/);
    assert.match(md, /\| this PR \| +0\.2512 ± 0\.0026 \| +5 \| `abc1234` \|/);
    assert.match(md, /\| main +\| +0\.2526 ± 0\.0027 \| +5 \| `0123456` \|/);
    assert.match(md, /loss \(lower is better\)/);
    assert.match(
      md,
      /\*\*Verdict: no significant difference\*\* — this PR − main = −0\.0014 \(97\.5% interval −0\.006\d* to \+0\.003\d* covers zero\)/,
    );
    assert.match(md, /\*\*Parameters that differ\*\*/);
    assert.match(md, /\| `dropout` +\| _not set_ +\| 0\.1 +\|/);
    assert.match(md, /\| `lr` +\| 0\.01 +\| 0\.001 +\|/);
    assert.doesNotMatch(md, /`opt`/);
  });

  it("words a significant result and an unverified one", () => {
    const better = renderComparison(compareSamples(s("PR", [0.9, 0.91, 0.92]), s("main", [0.8, 0.81, 0.79]), max));
    assert.match(
      better,
      /\*\*Verdict: better \(higher accuracy\)\*\* — PR − main = \+0\.11 \(97\.5% interval \+0\.\d+ to \+0\.\d+ excludes zero\)/,
    );
    assert.match(better, /No parameter differs/);
    const single = renderComparison(compareSamples(s("PR", [0.2]), s("main", [0.25]), min), { title: null });
    assert.doesNotMatch(single, /###/);
    assert.match(single, /0\.2 \(single run\)/);
    assert.match(single, /\*\*Verdict: unverified\*\* — PR − main = −0\.05\n/);
    assert.match(single, /`repeats: 5`/);
  });

  it("keeps table rows intact whatever the labels and values hold", () => {
    const md = renderComparison(
      compareSamples(
        s("a|b\nc", [1, 2], { params: { tag: "x|`y`" } }),
        s("main", [1, 2], { params: { tag: "z" } }),
        min,
      ),
    );
    assert.match(md, /\| a\\\|b c \|/);
    assert.match(md, /`x\\\|'y'`/);
  });
});

describe("compareStudies", () => {
  /** A finished study whose trials ran `values` (one list per trial, one value per member). */
  const study = (repeats: number, values: number[][]) => {
    const config = configFrom(`
name: s
command: [x]
objective: {metric: accuracy, goal: maximize}
parameters:
  lr: {type: float, min: 0, max: 1}
repeats: ${repeats}
`);
    let st = openRound(
      createStudy(config),
      values.map((_, i) => ({ params: { lr: i / 10 } })),
      [],
    ).study;
    for (const [id, vs] of values.entries())
      for (const [member, v] of vs.entries())
        st = recordAttempt(st, {
          ...evaluatedAttempt({ trialId: id, attempt: 1 }, v),
          ...(repeats > 1 ? { member } : {}),
        });
    return { config, study: st };
  };

  it("compares the best trials' repeats: a clear gain is better, the same model is not", () => {
    const base = study(5, [
      [0.9, 0.91, 0.89, 0.9, 0.905],
      [0.8, 0.81, 0.79, 0.8, 0.8],
    ]);
    const better = study(5, [[0.95, 0.94, 0.96, 0.95, 0.955]]);
    const same = study(5, [[0.9, 0.905, 0.895, 0.91, 0.89]]);
    const c = compareStudies(base.config, { study: better.study, label: "pr" }, { study: base.study, label: "main" })!;
    assert.equal(c.candidate.n, 5);
    assert.equal(c.baseline.n, 5);
    close(c.baseline.mean, 0.901, 1e-12, "the base's best trial");
    assert.equal(c.verdict, "better");
    const d = compareStudies(base.config, { study: same.study, label: "pr" }, { study: base.study, label: "main" })!;
    assert.equal(d.verdict, "no significant difference");
  });

  it("a missing repeat leaves fewer values, and a single run is unverified", () => {
    const pr = study(3, [[0.95, 0.96]]);
    const base = study(1, [[0.9]]);
    const c = compareStudies(pr.config, { study: pr.study, label: "pr" }, { study: base.study, label: "main" });
    // Trial 0 of the PR has only two of its three members so far: it is still running, not compared.
    assert.equal(c, undefined);
    const lost = {
      ...evaluatedAttempt({ trialId: 0, attempt: 1 }, 0),
      status: "failed",
      reason: "exited with code 1",
      member: 2,
    } as const;
    const done = recordAttempt(pr.study, lost);
    const c2 = compareStudies(pr.config, { study: done, label: "pr" }, { study: base.study, label: "main" })!;
    assert.equal(c2.candidate.n, 2);
    assert.equal(c2.verdict, "unverified");
  });
});

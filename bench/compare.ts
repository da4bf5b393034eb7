/**
 * `npx tsx bench/compare.ts [--seeds 2000] [--levels 0.95,0.98]`: how often the
 * PR comparison calls noise significant (A/A false-positive rate) and how often
 * it detects real improvements of 1σ, 2σ and 3σ (power), at 3, 5 and 10 repeats
 * per side, for the chosen confidence level beside the conventional 95%.
 *
 * Each run draws both sides from Normal(μ, σ) — the candidate's μ lowered by the
 * effect, goal minimize — and goes through compareSamples, the code the PR
 * comment uses. The same draws are judged at every level, so the columns differ
 * only by the level. Deterministic: seeded by createRng.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { markdownTable } from "markdown-table";
import { compareSamples, DEFAULT_CONFIDENCE, fmtPct } from "../src/compare/compare.ts";
import { createRng } from "../src/util/rng.ts";

const { values: opts } = parseArgs({
  options: {
    seeds: { type: "string", default: "2000" },
    levels: { type: "string" },
  },
});

const SEEDS = Number(opts.seeds);
const REPEATS = [3, 5, 10];
const EFFECTS = [0, 1, 2, 3]; // in units of the noise's σ
const MU = 0.3;
const SIGMA = 0.01;
const BASE_LEVEL = 0.95;
const levels = opts.levels ? opts.levels.split(",").map(Number) : [BASE_LEVEL, DEFAULT_CONFIDENCE];

export interface Rates {
  /** Reported as anything but "no significant difference". */
  significant: number;
  /** Reported "better". */
  better: number;
  /** Reported "worse". */
  worse: number;
}

/** Fraction of `seeds` runs, per level, of each verdict for one (n, effect) cell. */
export function simulate(n: number, effect: number, seeds: number, confidences: number[]): Rates[] {
  const counts = confidences.map(() => ({ significant: 0, better: 0, worse: 0 }));
  for (let seed = 0; seed < seeds; seed++) {
    const rng = createRng(seed, n, Math.round(effect * 1000));
    const baseline = Array.from({ length: n }, () => MU + SIGMA * rng.normal());
    const candidate = Array.from({ length: n }, () => MU - effect * SIGMA + SIGMA * rng.normal());
    confidences.forEach((confidence, i) => {
      const c = compareSamples(
        { label: "PR", values: candidate },
        { label: "base", values: baseline },
        { goal: "minimize", metric: "loss", confidence },
      );
      const k = counts[i]!;
      if (c.verdict === "better") k.better++;
      if (c.verdict === "worse") k.worse++;
      if (c.verdict === "better" || c.verdict === "worse") k.significant++;
    });
  }
  return counts.map((k) => ({ significant: k.significant / seeds, better: k.better / seeds, worse: k.worse / seeds }));
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
function binomCdf(k: number, n: number, p: number): number {
  let term = (1 - p) ** n;
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= ((n - i + 1) / i) * (p / (1 - p));
    sum += term;
  }
  return Math.min(1, sum);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function main(): void {
  const started = performance.now();
  const names = levels.map((l) => `${fmtPct(l)}%${l === DEFAULT_CONFIDENCE ? " (default)" : ""}`);
  const rows: string[][] = [];
  const cells = new Map<string, Rates[]>();
  for (const n of REPEATS)
    for (const effect of EFFECTS) {
      const rates = simulate(n, effect, SEEDS, levels);
      cells.set(`${n}/${effect}`, rates);
      // A/A: any significant verdict is a false positive; a real gain counts only when called "better".
      const what = effect === 0 ? "A/A: false positives" : `${effect}σ better: power`;
      const rate = (r: Rates) => (effect === 0 ? r.significant : r.better);
      const first = rate(rates[0]!);
      const last = rate(rates[rates.length - 1]!);
      const ratio = levels.length > 1 && first > 0 ? `${(last / first).toFixed(2)}×` : "–";
      rows.push([String(n), what, ...rates.map((r) => pct(rate(r))), ratio]);
    }

  console.log(`## PR comparison: false-positive rate and power (${SEEDS} seeds per cell, Welch's interval)\n`);
  console.log(
    "Share of runs the comparison called significant at each confidence level: for A/A, in either direction (false positives); for a real gain, called better (power).\n",
  );
  console.log(
    markdownTable([["repeats per side", "truth", ...names.map((n) => `${n}`), "ratio (last / first)"], ...rows], {
      align: ["r", "l", ...levels.map(() => "r" as const), "r"],
    }),
  );

  // What the test suite's requirements mean for each level, from the measured rates:
  // A/A significant in ≤ 5 of 100 runs, and 2σ with 5 repeats detected in > 50 of 100.
  console.log("\n### Chance of meeting the requirements with a fresh set of 100 runs\n");
  const aa = cells.get("5/0")!;
  const two = cells.get("5/2")!;
  console.log(
    markdownTable(
      [
        ["level", "A/A FPR (n=5)", "P(≤ 5 of 100 false positives)", "power 2σ (n=5)", "P(> 50 of 100 detected)"],
        ...levels.map((_, i) => [
          names[i]!,
          pct(aa[i]!.significant),
          pct(binomCdf(5, 100, aa[i]!.significant)),
          pct(two[i]!.better),
          pct(1 - binomCdf(50, 100, two[i]!.better)),
        ]),
      ],
      { align: ["l", "r", "r", "r", "r"] },
    ),
  );
  console.log(`\n${((performance.now() - started) / 1000).toFixed(1)}s`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();

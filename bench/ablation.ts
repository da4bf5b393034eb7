/**
 * `npx tsx bench/ablation.ts`: the table behind `bayes`'s method changes
 * (issue #13). Each step of bench/ablation/steps.json names a results file made
 * by `npm run bench -- --suite --strategies bayes --q 4 --no-speed --out
 * ablation/NAME` on the code of that step (a commit of main, or main's code
 * before the step with its patch applied), and says whether the step was kept.
 * For every step the table shows bayes's median and 90th-percentile final
 * regret per problem at q=4, the geometric mean of each against the step it
 * was measured against, and how many problems meet the suite's q=4 targets.
 * Random search's medians come from the suite run (bench/results/suite.json),
 * the peers' from bench/peers/suite.md.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { loadPeers, peerKey } from "./peers.ts";
import { type BenchResults, fmt } from "./report.ts";
import { TARGET_Q } from "./targets.ts";

const here = dirname(fileURLToPath(import.meta.url));

const stepsSchema = z.array(
  z.object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    /** What the step changes, in a sentence. */
    change: z.string(),
    /** The step it was measured against (its baseline); absent for the first. */
    against: z.string().optional(),
    /** Where its code is: a commit of main, or a patch under bench/ablation/ to apply to its baseline's code. */
    code: z.string(),
    kept: z.boolean(),
  }),
);

const steps = stepsSchema.parse(JSON.parse(readFileSync(join(here, "ablation", "steps.json"), "utf8")));
const runs = new Map(
  steps.map((s) => [
    s.name,
    JSON.parse(readFileSync(join(here, "results", "ablation", `${s.name}.json`), "utf8")) as BenchResults,
  ]),
);
const suite = JSON.parse(readFileSync(join(here, "results", "suite.json"), "utf8")) as BenchResults;
const peers = loadPeers()?.peers;

const problems = [...new Set(suite.cells.map((c) => c.problem))];
const bayesAt = (step: string, problem: string) =>
  runs.get(step)!.cells.find((c) => c.problem === problem && c.q === TARGET_Q)?.stats.bayes;
const randomMedian = (problem: string) =>
  suite.cells.find((c) => c.problem === problem && c.q === TARGET_Q)?.stats.random?.median;
const optunaBest = (problem: string) => {
  const row = peers?.get(peerKey(problem, TARGET_Q));
  return row?.best ? row.samplers[row.best]?.median : undefined;
};

/**
 * Geometric mean over the problems of a/b, each regret floored at a thousandth
 * of random search's median on its problem: below that both have solved it,
 * and a regret of exactly 0 (step) or 1e-6 against 1e-5 must not outweigh a
 * real difference elsewhere.
 */
function geoRatio(a: readonly number[], b: readonly number[]): number {
  const logs = problems.map((p, i) => {
    const floor = 1e-3 * (randomMedian(p) ?? 1);
    return Math.log(Math.max(a[i]!, floor) / Math.max(b[i]!, floor));
  });
  return Math.exp(logs.reduce((s, v) => s + v, 0) / logs.length);
}

const stat = (step: string, key: "median" | "p90") => problems.map((p) => bayesAt(step, p)?.[key] ?? Number.NaN);

const out: string[] = [];
out.push(
  `bayes at q=${TARGET_Q}, ${runs.get(steps[0]!.name)!.seeds} seeds per problem; each step measured against the one it names. "≤ ¼ Optuna" and "≤ Optuna": problems whose median meets that share of the best Optuna sampler's median; "p90 < random": problems whose 90th percentile is below random search's median.`,
  "",
  "| step | change | kept | median vs its baseline (geo. mean) | p90 vs its baseline (geo. mean) | ≤ ¼ Optuna | ≤ Optuna | p90 < random |",
  "|---|---|---|---:|---:|---:|---:|---:|",
);
for (const s of steps) {
  const med = stat(s.name, "median");
  const p90 = stat(s.name, "p90");
  const vs = (key: "median" | "p90", own: number[]) =>
    s.against ? `${fmt(geoRatio(own, stat(s.against, key)))}×` : "–";
  const count = (ok: (p: string, i: number) => boolean | undefined) => {
    const judged = problems.map((p, i) => ok(p, i)).filter((v) => v !== undefined);
    return `${judged.filter(Boolean).length}/${judged.length}`;
  };
  const peer = (share: number) => (p: string, i: number) => {
    const o = optunaBest(p);
    return o === undefined ? undefined : med[i]! <= o * share;
  };
  out.push(
    `| ${s.name} | ${s.change} | ${s.kept ? "yes" : "no"} | ${vs("median", med)} | ${vs("p90", p90)} | ${count(peer(0.25))} | ${count(peer(1))} | ${count(
      (p, i) => {
        const r = randomMedian(p);
        return r === undefined ? undefined : p90[i]! < r;
      },
    )} |`,
  );
}
out.push("", "Median (and 90th percentile) final regret per problem:", "");
out.push(`| problem | ${steps.map((s) => s.name).join(" | ")} | Optuna best | random |`);
out.push(`|---|${steps.map(() => "---:").join("|")}|---:|---:|`);
problems.forEach((p, i) => {
  const cells = steps.map((s) => `${fmt(stat(s.name, "median")[i])} (${fmt(stat(s.name, "p90")[i])})`);
  out.push(`| ${p} | ${cells.join(" | ")} | ${fmt(optunaBest(p))} | ${fmt(randomMedian(p))} |`);
});
const markdown = `${out.join("\n")}\n`;
writeFileSync(join(here, "results", "ablation.md"), markdown);
process.stdout.write(markdown);

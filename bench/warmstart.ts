/**
 * `npx tsx bench/warmstart.ts`: the warm-start benchmark of issue #14. For
 * each pair of related problems (warm-pairs.ts) and seed, a base study (bayes,
 * q = 4) runs on the source; then target studies run cold and warm-started
 * from it at each level (warm-harness.ts), for bayes and tpe. Reported per
 * pair: how many trials the median run takes to reach the cold start's median
 * final regret, and the ratio to cold (target: ≥ 2× on the related pairs); for
 * the control, whether the warm start ends no worse than the cold start did k
 * trials earlier (the re-runs' cost). Writes bench/results/warmstart.{md,json}.
 *
 *   npx tsx bench/warmstart.ts [--seeds 10] [--q 4] [--strategies bayes,tpe]
 *                              [--pairs shifted,...] [--rerun 2] [--workers 2] [--out warmstart]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import type { StrategyName } from "../src/strategy/registry.ts";
import { median } from "./harness.ts";
import { fmt } from "./report.ts";
import { WARM_MODES, type WarmMode, type WarmRun, type WarmTask } from "./warm-harness.ts";
import { WARM_PAIRS, type WarmPair, warmPairNamed } from "./warm-pairs.ts";

const { values: opts } = parseArgs({
  options: {
    seeds: { type: "string" },
    q: { type: "string" },
    strategies: { type: "string" },
    pairs: { type: "string" },
    rerun: { type: "string" },
    workers: { type: "string" },
    out: { type: "string" },
  },
});
const list = (s: string | undefined) => s?.split(",").map((x) => x.trim());
const seeds = Number(opts.seeds ?? 10);
const qs = (list(opts.q) ?? ["4"]).map(Number);
const strategies = (list(opts.strategies) ?? ["bayes", "tpe"]) as StrategyName[];
const pairs = (list(opts.pairs) ?? WARM_PAIRS.map((p) => p.name)).map(warmPairNamed);
const rerun = Number(opts.rerun ?? 2);
const workerCount = Math.max(1, Math.min(Number(opts.workers ?? 2), availableParallelism()));
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const progress = (line: string) => process.stderr.write(`${line}\n`);

let nextId = 0;
const baseTasks: WarmTask[] = pairs.flatMap((pair) =>
  Array.from({ length: seeds }, (_, s) => ({
    id: nextId++,
    pair: pair.name,
    seed: s + 1,
    strategy: "bayes",
    q: 4,
    rerun,
  })),
);
progress(`bench:warmstart: ${baseTasks.length} base studies on ${workerCount} worker(s)`);
const bases = await onWorkers(baseTasks);
const targetTasks: WarmTask[] = baseTasks.flatMap((b) =>
  strategies.flatMap((strategy) =>
    qs.flatMap((q) =>
      WARM_MODES.map((mode) => ({ ...b, id: nextId++, strategy, q, mode, base: bases.get(b.id)!.study! })),
    ),
  ),
);
progress(`bench:warmstart: ${targetTasks.length} target studies (${elapsed()})`);
const targets = await onWorkers(targetTasks);

interface Row {
  readonly pair: string;
  readonly relation: string;
  readonly control: boolean;
  readonly strategy: StrategyName;
  readonly q: number;
  readonly budget: number;
  /** Median final regret per mode. */
  readonly finals: Record<WarmMode, number>;
  /** Trials until the median run's regret reaches the cold start's median final regret (Infinity: never). */
  readonly trialsToCold: Record<WarmMode, number>;
  /**
   * The same for the cold start's median regret halfway through its budget: a
   * coarser level, where the final one on these smooth problems is often a
   * matter of the last digits.
   */
  readonly trialsToColdHalfway: Record<WarmMode, number>;
  /** The median run's regret after each trial. */
  readonly curves: Record<WarmMode, number[]>;
  /** The cold start's median regret k trials before the end: what the control's warm start must match. */
  readonly coldBeforeReruns: number;
  /**
   * How many trials the median run falls behind the cold start's at worst: the
   * largest, over t up to the budget less the re-runs, of the trials it takes
   * to reach the cold start's regret after t trials, minus t (Infinity: one of
   * those levels never reached).
   */
  readonly lag: Record<WarmMode, number>;
}

const rows: Row[] = pairs.flatMap((pair) => strategies.flatMap((strategy) => qs.map((q) => rowOf(pair, strategy, q))));
const results = { seeds, qs, strategies, rerun, baseQ: 4, seconds: (performance.now() - started) / 1000, rows };
const markdown = render(results);
const here = dirname(fileURLToPath(import.meta.url));
const outName = opts.out ?? "warmstart";
const outBase = isAbsolute(outName) ? outName : join(here, "results", outName);
mkdirSync(dirname(outBase), { recursive: true });
writeFileSync(`${outBase}.json`, `${JSON.stringify(results, (_, v) => (v === Infinity ? null : v), 2)}\n`);
writeFileSync(`${outBase}.md`, markdown);
process.stdout.write(markdown);
progress(`bench:warmstart: done in ${elapsed()}; wrote ${outBase}.json and .md`);

function rowOf(pair: WarmPair, strategy: StrategyName, q: number): Row {
  const curves = (mode: WarmMode) =>
    targetTasks
      .filter((t) => t.pair === pair.name && t.strategy === strategy && t.q === q && t.mode === mode)
      .map((t) => targets.get(t.id)!.regret);
  const medianCurve = (runs: number[][]) => runs[0]!.map((_, i) => median(runs.map((r) => r[i]!)));
  const byMode = Object.fromEntries(WARM_MODES.map((m) => [m, medianCurve(curves(m))])) as Record<WarmMode, number[]>;
  const budget = pair.target.budget;
  const goal = byMode.cold[budget - 1]!;
  const reach = (curve: number[], level = goal) => {
    const i = curve.findIndex((v) => v <= level);
    return i < 0 ? Infinity : i + 1;
  };
  const lag = (curve: number[]) =>
    Math.max(...byMode.cold.slice(0, budget - rerun).map((level, t) => reach(curve, level) - (t + 1)));
  const pick = (f: (curve: number[]) => number) =>
    Object.fromEntries(WARM_MODES.map((m) => [m, f(byMode[m])])) as Record<WarmMode, number>;
  return {
    pair: pair.name,
    relation: pair.relation,
    control: pair.control,
    strategy,
    q,
    budget,
    finals: pick((c) => c[budget - 1]!),
    trialsToCold: pick((c) => reach(c)),
    trialsToColdHalfway: pick((c) => reach(c, byMode.cold[Math.ceil(budget / 2) - 1]!)),
    curves: byMode,
    lag: pick(lag),
    coldBeforeReruns: byMode.cold[budget - 1 - rerun]!,
  };
}

function render(r: typeof results): string {
  type Reached = "trialsToCold" | "trialsToColdHalfway";
  const ratio = (row: Row, m: WarmMode, k: Reached = "trialsToCold") =>
    row[k][m] === Infinity ? "never" : `${fmt(row[k].cold / row[k][m])}×`;
  const trials = (row: Row, m: WarmMode, k: Reached = "trialsToCold") =>
    row[k][m] === Infinity ? `> ${row.budget}` : String(row[k][m]);
  const control = r.rows.filter((x) => x.control);
  const met = (row: Row) => row.trialsToCold.both !== Infinity && row.trialsToCold.cold / row.trialsToCold.both >= 2;
  const controlMet = (row: Row) => row.lag.both <= r.rerun;
  const lagOf = (row: Row, m: WarmMode) => (row.lag[m] === Infinity ? "never level" : String(row.lag[m]));
  const lines = [
    "# Warm start (issue #14)",
    "",
    `${r.seeds} seeds; base studies: bayes at q = ${r.baseQ} on the source, with the source's budget; targets at q = ${r.qs.join(", ")}, re-running the base's best ${r.rerun}; ${r.seconds.toFixed(0)} s.`,
    "Median run: the median over seeds of the regret after each trial. Trials to cold's final: the first trial at which the warm start's median run reaches the cold start's median final regret.",
    "",
    "## Trials to reach the cold start's final median regret (target on the related pairs: cold/both ≥ 2×)",
    "",
    "| pair | strategy | q | cold | rerun | prior | both | cold/rerun | cold/prior | cold/both | target |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...r.rows.map(
      (x) =>
        `| ${x.pair} | ${x.strategy} | ${x.q} | ${WARM_MODES.map((m) => trials(x, m)).join(" | ")} | ${ratio(x, "rerun")} | ${ratio(x, "prior")} | ${ratio(x, "both")} | ${x.control ? "(control)" : met(x) ? "met" : "not met"} |`,
    ),
    "",
    "## Trials to reach the cold start's median regret at half its budget",
    "",
    "| pair | strategy | q | cold | rerun | prior | both | cold/rerun | cold/prior | cold/both |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...r.rows.map(
      (x) =>
        `| ${x.pair} | ${x.strategy} | ${x.q} | ${WARM_MODES.map((m) => trials(x, m, "trialsToColdHalfway")).join(" | ")} | ${ratio(x, "rerun", "trialsToColdHalfway")} | ${ratio(x, "prior", "trialsToColdHalfway")} | ${ratio(x, "both", "trialsToColdHalfway")} |`,
    ),
    "",
    "## Median final regret",
    "",
    "| pair | strategy | q | cold | rerun | prior | both |",
    "|---|---|---|---|---|---|---|",
    ...r.rows.map(
      (x) => `| ${x.pair} | ${x.strategy} | ${x.q} | ${WARM_MODES.map((m) => fmt(x.finals[m])).join(" | ")} |`,
    ),
    "",
    `## The control (unrelated pair): never behind the cold start by more than the ${r.rerun} re-run trials`,
    "",
    `Worst lag: the most trials by which the median run falls behind the cold start's in reaching the regret the cold start had after t trials, for every t up to the budget less the ${r.rerun} re-runs ("never level": it ends above one of those). Final: median final regret against the cold start's ${r.rerun} trials before the end.`,
    "",
    "| strategy | q | worst lag: rerun | prior | both | final: cold at budget − k | rerun | prior | both | target (both lag ≤ k) |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...control.map(
      (x) =>
        `| ${x.strategy} | ${x.q} | ${lagOf(x, "rerun")} | ${lagOf(x, "prior")} | ${lagOf(x, "both")} | ${fmt(x.coldBeforeReruns)} | ${fmt(x.finals.rerun)} | ${fmt(x.finals.prior)} | ${fmt(x.finals.both)} | ${controlMet(x) ? "met" : "not met"} |`,
    ),
    "",
    "Pairs:",
    "",
    ...pairs.map((p) => `- ${p.name}: ${p.relation}`),
    "",
  ];
  return lines.join("\n");
}

/** Runs tasks on worker threads, the next one as each finishes; each study is deterministic on its own. */
async function onWorkers(tasks: readonly WarmTask[]): Promise<Map<number, WarmRun>> {
  const out = new Map<number, WarmRun>();
  const queue = [...tasks];
  let done = 0;
  await Promise.all(
    Array.from({ length: workerCount }, async () => {
      const worker = new Worker(new URL("./warm-worker.mjs", import.meta.url));
      try {
        for (let task = queue.shift(); task; task = queue.shift()) {
          const sent = task;
          out.set(
            sent.id,
            await new Promise<WarmRun>((resolve, reject) => {
              worker.once("message", (msg: { run: WarmRun }) => {
                worker.off("error", reject);
                resolve(msg.run);
              });
              worker.once("error", reject);
              worker.postMessage(sent);
            }),
          );
          if (++done % 20 === 0) progress(`  ${done}/${tasks.length} (${elapsed()})`);
        }
      } finally {
        await worker.terminate();
      }
    }),
  );
  return out;
}

/**
 * `npx tsx bench/mo.ts`: the multi-objective benchmark of issue #15, with the
 * protocol of ../shared/peers/MO_TARGETS.md. For each problem (mo-problems.ts),
 * strategy, batch size q and seed, one study of N = 100 trials (mo-harness.ts);
 * per problem and q: each strategy's median final HV regret with a bootstrap
 * 90% interval, against Optuna's best sampler (bench/peers/mo_targets.json for
 * the shared problems, bench/peers/optuna_mo.json, measured here, for ours;
 * target at q = 4: ours/Optuna ≤ 0.5) and against random search run in the
 * same process; how many runs recommended no feasible trial (must be 0); the
 * mean planning time per round. Writes bench/results/NAME.{md,json}.
 *
 *   npx tsx bench/mo.ts [--seeds 30] [--q 1,4] [--strategies bayes,tpe,random,sobol]
 *                       [--problems zdt1,...|shared|own|all] [--workers 2] [--out mo]
 *                       [--chart dtlz2] [--docs]
 *
 * --docs: also writes the summary table into docs/benchmarks.md, between its
 * mo-table markers.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { STRATEGY_NAMES, type StrategyName } from "../src/strategy/registry.ts";
import { bootstrapMedianCi } from "./bootstrap.ts";
import { median } from "./harness.ts";
import type { MoRun } from "./mo-harness.ts";
import { MO_PROBLEMS, type MoProblem, OWN_MO_PROBLEMS, SHARED_MO_PROBLEMS } from "./mo-problems.ts";
import { onWorkers } from "./pool.ts";
import { fmt } from "./report.ts";

const { values: opts } = parseArgs({
  options: {
    seeds: { type: "string" },
    q: { type: "string" },
    strategies: { type: "string" },
    problems: { type: "string" },
    workers: { type: "string" },
    out: { type: "string" },
    chart: { type: "string" },
    docs: { type: "boolean" },
  },
});
const list = (s: string | undefined) => s?.split(",").map((x) => x.trim());
const fail = (message: string): never => {
  process.stderr.write(`bench/mo.ts: ${message}\n`);
  process.exit(2);
};

const seeds = Number(opts.seeds ?? 30);
const qs = (list(opts.q) ?? ["1", "4"]).map(Number);
if (!Number.isInteger(seeds) || seeds < 1) fail(`--seeds must be a whole number ≥ 1, not ${opts.seeds}`);
if (qs.some((q) => !Number.isInteger(q) || q < 1)) fail(`--q must be whole numbers ≥ 1, like 1,4; not ${opts.q}`);
const asked = list(opts.strategies) ?? ["bayes", "tpe", "random", "sobol"];
for (const s of asked)
  if (!(STRATEGY_NAMES as readonly string[]).includes(s))
    fail(`--strategies: unknown ${s}; known: ${STRATEGY_NAMES.join(", ")}`);
// Random search is the baseline every ratio is taken against, run in the same process.
const strategies = [...new Set([...asked, "random"])] as StrategyName[];
const problems = problemsFrom(opts.problems ?? "all");
const workerCount = Math.max(1, Math.min(Number(opts.workers ?? 2), availableParallelism()));
const chartProblem = opts.chart ?? "dtlz2";
const here = dirname(fileURLToPath(import.meta.url));
/** Target of issue #15 at q = 4: the median final regret at most half Optuna's best. */
const TARGET_RATIO = 0.5;
const TARGET_Q = 4;

function problemsFrom(arg: string): readonly MoProblem[] {
  const sets: Record<string, readonly MoProblem[]> = {
    all: MO_PROBLEMS,
    shared: SHARED_MO_PROBLEMS,
    own: OWN_MO_PROBLEMS,
  };
  return arg.split(",").flatMap((name) => {
    const found = sets[name] ?? MO_PROBLEMS.filter((p) => p.name === name);
    if (found.length === 0)
      fail(`--problems: unknown ${name}; known: ${MO_PROBLEMS.map((p) => p.name).join(", ")}, shared, own, all`);
    return found;
  });
}

interface Task {
  readonly problem: string;
  readonly strategy: StrategyName;
  readonly q: number;
  readonly seed: number;
}
type Run = MoRun & { readonly ms: number };

// Seed by seed: once the first seed's studies are done, every cell's cost has been seen once,
// and the rest of the run is that many times as long.
const tasks: Task[] = Array.from({ length: seeds }, (_, seed) =>
  problems.flatMap((p) => qs.flatMap((q) => strategies.map((strategy) => ({ problem: p.name, strategy, q, seed })))),
).flat();
const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
const progress = (line: string) => process.stderr.write(`${line}\n`);
progress(
  `bench/mo.ts: ${problems.length} problems × q ${qs.join(",")} × ${strategies.join(", ")} × ${seeds} seeds = ${tasks.length} studies on ${workerCount} worker(s)`,
);
const perSeed = tasks.length / seeds;
/**
 * Seconds of the first seed's studies, by strategy: each study's wall time in
 * its worker, so on a busy machine an upper bound on its CPU time.
 */
const studySeconds = new Map<StrategyName, number>();
let done = 0;
const runs = await onWorkers<Task, Run>(
  new URL("./mo-worker.mjs", import.meta.url),
  tasks,
  workerCount,
  (task, run) => {
    if (task.seed === 0) studySeconds.set(task.strategy, (studySeconds.get(task.strategy) ?? 0) + run.ms / 1000);
    done++;
    if (done === perSeed)
      progress(`  the first seed's ${done} studies in ${elapsed().toFixed(0)} s; ${estimateText()}`);
    else if (done % 50 === 0) progress(`  ${done}/${tasks.length} (${elapsed().toFixed(0)} s)`);
  },
);

/** What the run costs in CPU time at `n` seeds, from the first seed's studies. */
function estimateText(n = seeds): string {
  const per = strategies.map((s) => studySeconds.get(s) ?? 0);
  const cpu = per.reduce((a, b) => a + b, 0) * n;
  const byStrategy = strategies.map((s, i) => `${s} ${fmt(per[i]! * n)}`).join(", ");
  return `estimate for ${n} seeds: ${cpu.toFixed(0)} worker-seconds (${byStrategy}), about ${(cpu / workerCount).toFixed(0)} s on ${workerCount} worker(s)`;
}

interface StrategyStats {
  readonly finals: number[];
  readonly median: number;
  /** 5th–95th percentile of 2,000 bootstrap medians. */
  readonly ci: [number, number];
  /** Runs whose recommended trial was missing or infeasible. */
  readonly infeasibleRecommended: number;
  readonly askMsPerRound: number;
  /** Median regret after each trial. */
  readonly curve: number[];
}

interface Peer {
  readonly sampler: string;
  readonly median: number;
  readonly ci: readonly [number, number] | undefined;
  /** Where the number comes from. */
  readonly source: string;
  readonly curve?: number[];
  /** MO_TARGETS.md's other samplers' medians on this problem and q. */
  readonly others?: Readonly<Record<string, number>>;
}

interface Cell {
  readonly problem: string;
  readonly q: number;
  readonly stats: Partial<Record<StrategyName, StrategyStats>>;
  /** Optuna's best sampler on this problem and q, where a number exists. */
  readonly optuna: Peer | undefined;
  /** Every Optuna sampler measured here by bench/peers/optuna_mo.py. */
  readonly optunaHere: readonly Peer[];
}

const peers = loadPeers();
const cells: Cell[] = problems.flatMap((p) => qs.map((q) => cellOf(p, q)));
const results = {
  command: `npx tsx bench/mo.ts ${process.argv.slice(2).join(" ")}`.trim(),
  generated: new Date().toISOString(),
  node: process.version,
  workers: workerCount,
  seeds,
  qs,
  strategies,
  seconds: Math.round(elapsed()),
  estimate30: estimateText(30),
  cells,
};
const markdown = render();
const outName = opts.out ?? "mo";
const outBase = isAbsolute(outName) ? outName : join(here, "results", outName);
mkdirSync(dirname(outBase), { recursive: true });
writeFileSync(`${outBase}.json`, `${JSON.stringify(results, null, 1)}\n`);
writeFileSync(`${outBase}.md`, markdown);
if (opts.docs) writeDocsTable();
process.stdout.write(markdown);
progress(`bench/mo.ts: done in ${elapsed().toFixed(0)} s; wrote ${outBase}.json and .md`);

function cellOf(problem: MoProblem, q: number): Cell {
  const stats: Partial<Record<StrategyName, StrategyStats>> = {};
  for (const strategy of strategies) {
    const rs = tasks
      .filter((t) => t.problem === problem.name && t.q === q && t.strategy === strategy)
      .map((t) => runs.get(t)!);
    const finals = rs.map((r) => r.regret);
    const rounds = rs.flatMap((r) => r.proposeMs);
    stats[strategy] = {
      finals,
      median: median(finals),
      ci: bootstrapMedianCi(finals),
      infeasibleRecommended: rs.filter((r) => !r.recommendedFeasible).length,
      askMsPerRound: rounds.reduce((a, b) => a + b, 0) / rounds.length,
      curve: rs[0]!.curve.map((_, i) => median(rs.map((r) => r.curve[i]!))),
    };
  }
  const optunaHere = peers.measured.filter((x) => x.problem === problem.name && x.q === q).map((x) => x.peer);
  const published = peers.published.get(`${problem.name}/${q}`);
  const bestHere = optunaHere.reduce<Peer | undefined>((b, x) => (!b || x.median < b.median ? x : b), undefined);
  return { problem: problem.name, q, stats, optuna: published ?? bestHere, optunaHere };
}

/**
 * Optuna's numbers: MO_TARGETS.md's table as transcribed to
 * bench/peers/mo_targets.json (the shared problems), and what
 * bench/peers/optuna_mo.py measured here (ours, and a shared one to check
 * that it reproduces MO_TARGETS.md).
 */
function loadPeers() {
  const read = (name: string) => {
    const path = join(here, "peers", name);
    return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined;
  };
  const targets = read("mo_targets.json") as
    | {
        source: string;
        cells: { problem: string; q: number; best: string; ci: [number, number]; medians: Record<string, number> }[];
      }
    | undefined;
  const measured = read("optuna_mo.json") as
    | {
        cells: {
          problem: string;
          q: number;
          sampler: string;
          median: number;
          ci: [number, number];
          curve: number[];
          run: { optuna: string; seeds: number; command: string };
        }[];
      }
    | undefined;
  const published = new Map<string, Peer>(
    (targets?.cells ?? []).map((c) => [
      `${c.problem}/${c.q}`,
      {
        sampler: c.best,
        median: c.medians[c.best]!,
        ci: c.ci,
        source: "MO_TARGETS.md",
        others: Object.fromEntries(Object.entries(c.medians).filter(([name]) => name !== c.best)),
      },
    ]),
  );
  return {
    published,
    measured: (measured?.cells ?? []).map((c) => ({
      problem: c.problem,
      q: c.q,
      peer: {
        sampler: c.sampler,
        median: c.median,
        ci: c.ci,
        curve: c.curve,
        source: `optuna_mo.py, Optuna ${c.run.optuna}, ${c.run.seeds} seeds`,
      } satisfies Peer,
    })),
  };
}

function interval(ci: readonly [number, number] | undefined): string {
  return ci ? ` [${fmt(ci[0])}, ${fmt(ci[1])}]` : "";
}

function ratio(x: number | undefined, base: number | undefined): string {
  return x === undefined || base === undefined || base === 0 ? "–" : `${fmt(x / base)}×`;
}

/** A markdown table: the first `labels` columns left-aligned, the numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], labels = 1): string[] {
  return [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i < labels ? "---" : "---:")).join("|")}|`].concat(
    rows.map((r) => `| ${r.join(" | ")} |`),
  );
}

/** One line a problem and q: each strategy's median, Optuna's best, and the target for the learners. */
function summaryTable(): string[] {
  const learners = strategies.filter((s) => s !== "random" && s !== "sobol");
  return table(
    ["problem", "q", ...strategies, "Optuna best", ...learners.map((s) => `${s}/Optuna`)],
    cells.map((c) => [
      c.problem,
      String(c.q),
      ...strategies.map((s) => fmt(c.stats[s]?.median)),
      c.optuna ? `${fmt(c.optuna.median)} (${c.optuna.sampler})` : "–",
      ...learners.map((s) => {
        const r = ratio(c.stats[s]?.median, c.optuna?.median);
        if (!c.optuna || c.q !== TARGET_Q) return r;
        return `${r} ${c.stats[s]!.median <= TARGET_RATIO * c.optuna.median ? "met" : "**not met**"}`;
      }),
    ]),
  );
}

function render(): string {
  const out = [
    "# Multi-objective benchmark (issue #15)",
    "",
    `\`${results.command}\` · ${results.generated} · Node ${results.node} · ${workerCount} worker(s) · ${seeds} seeds (0–${seeds - 1}) · ${results.seconds} s. ` +
      "The protocol of ../shared/peers/MO_TARGETS.md: N = 100 trials in rounds of q (budget.parallel = q) through the round driver on the in-process backend; " +
      "HV regret = the true front's hypervolume − that of the feasible evaluated points, w.r.t. the problem's reference point. " +
      "Cells: median final HV regret over the seeds, with the 5th–95th percentile of 2,000 bootstrap medians.",
    "",
    `Cost: ${results.estimate30} (measured on the first seed's studies).`,
    "",
    "## Summary",
    "",
    `Optuna best: the best sampler of MO_TARGETS.md (shared problems, Optuna 3.1.0, 30 seeds) or of bench/peers/optuna_mo.py (ours: tpe and NSGA-II with population 20, run on this machine). ` +
      `Target at q = ${TARGET_Q}: median ≤ ${TARGET_RATIO} × Optuna's best.`,
    "",
    "<!-- mo-table:start -->",
    ...summaryTable(),
    "<!-- mo-table:end -->",
    "",
  ];
  for (const c of cells) {
    out.push(`## ${c.problem}, q = ${c.q}`, "");
    const base = c.stats.random?.median;
    out.push(
      ...table(
        ["strategy", "median [90% CI]", "vs random", "vs Optuna best", "no feasible recommendation", "ms/round"],
        strategies.map((s) => {
          const st = c.stats[s]!;
          return [
            s,
            `${fmt(st.median)}${interval(st.ci)}`,
            ratio(st.median, base),
            ratio(st.median, c.optuna?.median),
            `${st.infeasibleRecommended}/${st.finals.length}`,
            st.askMsPerRound.toFixed(1),
          ];
        }),
      ),
      "",
    );
    const optuna = [...(c.optuna && !c.optunaHere.includes(c.optuna) ? [c.optuna] : []), ...c.optunaHere];
    if (optuna.length)
      out.push(
        `Optuna: ${optuna
          .map((p) => {
            const others = Object.entries(p.others ?? {}).map(([name, m]) => ` · ${name} ${fmt(m)}`);
            return `${p.sampler} ${fmt(p.median)}${interval(p.ci)}${others.join("")} (${p.source})`;
          })
          .join(" · ")}`,
        "",
      );
  }
  out.push(...chart());
  return `${out.join("\n")}\n`;
}

/** Median regret against trials on one problem, for bayes, tpe and random where they ran, and Optuna's tpe where measured. */
function chart(): string[] {
  const cell =
    cells.find((c) => c.problem === chartProblem && c.q === TARGET_Q) ?? cells.find((c) => c.problem === chartProblem);
  if (!cell) return [];
  const lines: [string, number[]][] = (["bayes", "tpe", "random"] as StrategyName[]).flatMap((s) =>
    cell.stats[s] ? [[s, cell.stats[s].curve] as [string, number[]]] : [],
  );
  const optunaTpe = cell.optunaHere.find((p) => p.sampler === "tpe");
  if (optunaTpe?.curve) lines.push([`Optuna tpe (${optunaTpe.source})`, optunaTpe.curve]);
  const every = 5;
  const xs = lines[0]![1].map((_, i) => i + 1).filter((t) => t % every === 0);
  const top = Math.max(...lines.flatMap(([, curve]) => xs.map((t) => curve[t - 1]!)));
  return [
    `## Convergence: ${cell.problem}, q = ${cell.q}`,
    "",
    `Median HV regret after each ${every}th trial. Lines in order: ${lines.map(([name], i) => `${i + 1}. ${name}`).join("; ")}.`,
    "",
    "```mermaid",
    "xychart-beta",
    `  title "${cell.problem}, q = ${cell.q}: median HV regret"`,
    `  x-axis "trials" [${xs.join(", ")}]`,
    `  y-axis "median HV regret" 0 --> ${fmt(top)}`,
    ...lines.map(([, curve]) => `  line [${xs.map((t) => fmt(curve[t - 1]!)).join(", ")}]`),
    "```",
    "",
    ...table(
      ["trials", ...lines.map(([name]) => name)],
      [25, 50, 75, 100].map((t) => [String(t), ...lines.map(([, curve]) => fmt(curve[t - 1]))]),
    ),
    "",
  ];
}

function writeDocsTable(): void {
  const path = join(here, "../docs/benchmarks.md");
  const docs = readFileSync(path, "utf8");
  const start = "<!-- mo-table:start -->";
  const end = "<!-- mo-table:end -->";
  const [before, rest] = [docs.slice(0, docs.indexOf(start)), docs.slice(docs.indexOf(end) + end.length)];
  if (!docs.includes(start) || !docs.includes(end)) fail(`--docs: ${path} has no ${start} … ${end} block`);
  writeFileSync(path, `${before}${start}\n${summaryTable().join("\n")}\n${end}${rest}`);
}

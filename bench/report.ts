/** The benchmark's results as data (written as JSON) and as markdown. */

import type { StrategyName } from "../src/strategy/registry.ts";
import { type CellStats, evaluationsAt } from "./harness.ts";
import type { PeerRow } from "./peers.ts";
import { targetRows } from "./targets.ts";

export interface Cell {
  readonly problem: string;
  readonly q: number;
  readonly budget: number;
  readonly dims: number;
  readonly stats: Partial<Record<StrategyName, CellStats>>;
  readonly peers: PeerRow | undefined;
}

export interface SpeedRow {
  readonly trials: number;
  readonly dims: number;
  readonly batch: number;
  readonly repeats: number;
  /** Median milliseconds per batch. */
  readonly ms: Partial<Record<StrategyName, number>>;
}

export interface BenchResults {
  readonly version: 1;
  readonly generated: string;
  readonly node: string;
  readonly cpu: string;
  readonly workers: number;
  readonly seeds: number;
  readonly strategies: readonly StrategyName[];
  readonly wallSeconds: number;
  /** The 1-minute load average when the studies started and when the speed section started: timings mean little on a busy machine. */
  readonly load: { readonly start: number; readonly speed: number };
  readonly peersFile: string | undefined;
  readonly cells: readonly Cell[];
  readonly speed: readonly SpeedRow[];
}

export function fmt(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return "∞";
  return Math.abs(x) >= 1e-3 || x === 0 ? String(Number(x.toPrecision(4))) : x.toExponential(2);
}

const ms = (x: number | undefined) => (x === undefined ? "–" : x < 1 ? x.toFixed(2) : x.toFixed(1));

const ratio = (x: number | undefined, base: number | undefined) =>
  x === undefined || base === undefined || base === 0 ? "–" : `${fmt(x / base)}×`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** The peer samplers shown: the best of Optuna's, its plain and constant-liar TPE, and its random search. */
function peerCells(p: PeerRow | undefined): string[] {
  const m = (name: string) => p?.samplers[name]?.median;
  const best = p?.best;
  return [best ? `${fmt(m(best))} (${best})` : "–", fmt(m("tpe")), fmt(m("tpe_cl")), fmt(m("random"))];
}

export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  out.push("# matrix-tune benchmark", "");
  out.push(
    `${r.generated} · Node ${r.node} · ${r.cpu} · ${r.workers} worker(s) · ${r.seeds} seeds · ${r.wallSeconds} s · load average ${r.load.start.toFixed(1)} at the start. ` +
      "Simple regret: best value so far minus the known optimum (0 is perfect). " +
      "Every study ran through the round driver (startRound/finishRound) on the in-process backend, with budget.parallel = q.",
    "",
  );
  // A speed-only run (--speed-only) has no studies to report on.
  if (r.cells.length) out.push(...renderRegrets(r));
  if (r.speed.length) {
    out.push(
      "## Speed: time to propose one batch",
      "",
      `A batch of ${r.speed[0]!.batch} from a synthetic study of finished trials in ${r.speed[0]!.dims} dimensions, through planRound; median of ${r.speed[0]!.repeats} repeats after a warm-up, on the main thread once the workers had finished (load average ${r.load.speed.toFixed(1)}), beside random (the in-process baseline).`,
      "",
    );
    const names = Object.keys(r.speed[0]!.ms) as StrategyName[];
    out.push(
      table(
        ["strategy", ...r.speed.flatMap((row) => [`${row.trials} trials (ms)`, "vs random"])],
        names.map((n) => [n, ...r.speed.flatMap((row) => [ms(row.ms[n]), ratio(row.ms[n], row.ms.random)])]),
      ),
      "",
    );
  }
  return `${out.join("\n")}\n`;
}

/** The studies' final regrets: the summary tables, the targets, and a section per problem and batch size. */
function renderRegrets(r: BenchResults): string[] {
  const s = r.strategies;
  const out: string[] = [];
  out.push(
    "## Median final regret",
    "",
    r.peersFile
      ? `Optuna columns: medians from \`${r.peersFile}\` (Optuna 3.1 on this machine class; TARGETS.md over 30 seeds, bench/peers/suite.md over the seeds its header gives; "best" is the best of its samplers, tpe_cl is TPE with constant liar). Our medians are over ${r.seeds} seeds; TARGETS.md notes that medians of 10 seeds move by up to 2× between seed sets.`
      : "No peer numbers (neither ../shared/peers/TARGETS.md nor bench/peers/suite.md found).",
    "",
  );
  out.push(
    table(
      ["problem", "q", ...s, "Optuna best", "Optuna tpe", "Optuna tpe_cl", "Optuna random"],
      r.cells.map((c) => [c.problem, String(c.q), ...s.map((n) => fmt(c.stats[n]?.median)), ...peerCells(c.peers)]),
    ),
    "",
  );
  out.push(
    "## 90th-percentile final regret",
    "",
    `Over the ${r.seeds} seeds (linear interpolation between order statistics): how bad a bad run is. "random median" is the target of issue #13: every strategy's 90th percentile below it.`,
    "",
    table(
      ["problem", "q", ...s, "random median"],
      r.cells.map((c) => [c.problem, String(c.q), ...s.map((n) => fmt(c.stats[n]?.p90)), fmt(c.stats.random?.median)]),
    ),
    "",
  );
  out.push(...renderTargets(r), "");

  out.push("## Per problem and batch size", "");
  for (const c of r.cells) {
    const k25 = evaluationsAt(c.budget, 0.25);
    const k50 = evaluationsAt(c.budget, 0.5);
    out.push(`### ${c.problem} (d=${c.dims}, budget ${c.budget}) — q=${c.q}`, "");
    const base = c.stats.random?.median;
    out.push(
      table(
        [
          "strategy",
          "final median",
          "final IQR",
          "final p90",
          `@${k25} (25%)`,
          `@${k50} (50%)`,
          "vs random",
          "ms/batch",
        ],
        s.map((n) => {
          const st = c.stats[n];
          return [
            n,
            fmt(st?.median),
            st ? `[${fmt(st.q1)}, ${fmt(st.q3)}]` : "–",
            fmt(st?.p90),
            fmt(st?.at25),
            fmt(st?.at50),
            ratio(st?.median, base),
            ms(st?.proposeMsMedian),
          ];
        }),
      ),
      "",
    );
    if (c.peers) {
      const names = [c.peers.best, "tpe", "tpe_cl", "random"].filter(
        (n, i, a): n is string => !!n && a.indexOf(n) === i && !!c.peers!.samplers[n],
      );
      out.push(
        `Optuna (median [90% CI]): ${names
          .map((n) => {
            const p = c.peers!.samplers[n]!;
            return `${n === c.peers!.best ? `**${n}**` : n} ${fmt(p.median)} [${fmt(p.ci[0])}, ${fmt(p.ci[1])}]`;
          })
          .join(" · ")}`,
        "",
      );
    }
  }

  return out;
}

/** The targets of issue #13 that this run can check, strategy by strategy, with the problems that miss each. */
function renderTargets(r: BenchResults): string[] {
  const rows = targetRows(r.cells, r.strategies);
  const learners = r.strategies.filter((n) => rows.some((row) => row.byStrategy[n]));
  if (learners.length === 0) return [];
  const mark = (row: (typeof rows)[number], n: StrategyName) => {
    const c = row.byStrategy[n];
    return c ? `${c.ok ? "met" : "**not met**"}: ${c.met}/${c.of}` : "–";
  };
  const misses = rows.flatMap((row) =>
    learners.flatMap((n) => {
      const c = row.byStrategy[n];
      return c?.failing.length ? [`- ${n}, ${row.target}: misses ${c.failing.join(", ")}`] : [];
    }),
  );
  return [
    "## Targets (issue #13)",
    "",
    "Problems meeting each target, of those where the run has what it needs (the Optuna rows only where peer numbers exist).",
    "",
    table(
      ["target", ...learners],
      rows.map((row) => [row.target, ...learners.map((n) => mark(row, n))]),
    ),
    "",
    ...misses,
  ];
}

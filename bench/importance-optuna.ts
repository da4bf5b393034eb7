/**
 * Agreement of the reports' parameter importance with Optuna's
 * FanovaImportanceEvaluator (a random forest's fANOVA) on the same trials: for
 * each shared benchmark problem (bench/problems.ts) and seed, 100 random
 * trials; the Spearman correlation between our total indices and Optuna's
 * importances over the problem's parameters.
 *
 *   npx tsx bench/importance-optuna.ts [--seeds 3]
 *
 * Needs Debian's python3-optuna and python3-sklearn (bench only). Writes
 * bench/results/importance-optuna.md.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { importanceOf } from "../src/importance/importance.ts";
import { pickFreeze } from "../src/importance/pick-freeze.ts";
import type { Trial } from "../src/protocol/trial.ts";
import type { Parameter } from "../src/space/parameter-schema.ts";
import { buildSpace, decode } from "../src/space/space.ts";
import { createRng } from "../src/util/rng.ts";
import { PROBLEMS } from "./problems.ts";

const TRIALS = 100;
const seedsArg = process.argv.indexOf("--seeds");
const SEEDS = seedsArg > 0 ? Number(process.argv[seedsArg + 1]) : 3;

/** Pearson correlation of the ranks (ties get their mean rank). */
function spearman(xs: readonly number[], ys: readonly number[]): number {
  const rank = (v: readonly number[]) =>
    v.map((x) => v.filter((y) => y < x).length + (v.filter((y) => y === x).length - 1) / 2);
  const [rx, ry] = [rank(xs), rank(ys)];
  const m = (xs.length - 1) / 2;
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < rx.length; i++) {
    num += (rx[i]! - m) * (ry[i]! - m);
    dx += (rx[i]! - m) ** 2;
    dy += (ry[i]! - m) ** 2;
  }
  return dx > 0 && dy > 0 ? num / Math.sqrt(dx * dy) : 0;
}

interface Case {
  problem: string;
  seed: number;
  ours: Record<string, number>;
  /** The true function's indices by pick-freeze with 4096 base points: the referee. */
  trueFirst: Record<string, number>;
  trueTotal: Record<string, number>;
}
const cases: Case[] = [];
const inputs: unknown[] = [];
for (const p of PROBLEMS) {
  const parameters = p.parameters as Record<string, Parameter>;
  const space = buildSpace(parameters);
  const truth = pickFreeze((u) => p.f(decode(space, u)), space.dims.length, 4096, 1);
  const trueOf = (index: (i: number) => number) => Object.fromEntries(space.dims.map((d, i) => [d.name, index(i)]));
  const [trueFirst, trueTotal] = [trueOf(truth.first), trueOf(truth.total)];
  for (let seed = 0; seed < SEEDS; seed++) {
    const rng = createRng(seed, 0x0b7);
    const params = Array.from({ length: TRIALS }, () =>
      decode(
        space,
        space.dims.map(() => rng.next()),
      ),
    );
    const values = params.map(p.f);
    // Only the parameters of a trial are read by the model.
    const trials = params.map((x) => ({ params: x }) as unknown as Trial);
    const imp = importanceOf(space, trials, values, seed)!;
    cases.push({
      problem: p.name,
      seed,
      ours: Object.fromEntries(imp.parameters.map((q) => [q.name, q.total])),
      trueFirst,
      trueTotal,
    });
    inputs.push({ parameters, trials: params.map((x, i) => ({ params: x, value: values[i] })) });
  }
}
const optuna = JSON.parse(
  execFileSync("/usr/bin/python3", [new URL("peers/optuna_importance.py", import.meta.url).pathname], {
    input: JSON.stringify(inputs),
    maxBuffer: 1 << 26,
  }).toString(),
) as Record<string, number>[];

const lines = [
  "# Parameter importance: agreement with Optuna's FanovaImportanceEvaluator",
  "",
  `Command: \`npx tsx bench/importance-optuna.ts --seeds ${SEEDS}\`. ${TRIALS} random trials per problem and seed; Spearman correlation between our total indices and Optuna 3.1's fANOVA importances (random forest, seed 0) over the problem's parameters; and of each against the true function's indices (pick-freeze with 4096 base points on the function itself): ours against the true total indices, Optuna's against the true first-order and total ones (its fANOVA importance is closer to a first-order share).`,
  "",
  "| problem | seed | ρ(ours, Optuna) | ρ(ours, true ST) | ρ(Optuna, true S) | ρ(Optuna, true ST) | ours (total) | Optuna | true ST |",
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
];
const rhos: number[] = [];
const oursTrue: number[] = [];
const optunaTrue: number[] = [];
cases.forEach((c, i) => {
  const names = Object.keys(c.ours);
  const theirs = optuna[i]!;
  const rho = (a: Record<string, number>, b: Record<string, number>) =>
    spearman(
      names.map((n) => a[n] ?? 0),
      names.map((n) => b[n] ?? 0),
    );
  const [withOptuna, withTruth, optunaS, optunaST] = [
    rho(c.ours, theirs),
    rho(c.ours, c.trueTotal),
    rho(theirs, c.trueFirst),
    rho(theirs, c.trueTotal),
  ];
  rhos.push(withOptuna);
  oursTrue.push(withTruth);
  optunaTrue.push(optunaST);
  const show = (r: Record<string, number>) => names.map((n) => `${n} ${Math.round(100 * (r[n] ?? 0))}%`).join(", ");
  const f = (x: number) => x.toFixed(2);
  lines.push(
    `| ${c.problem} | ${c.seed} | ${f(withOptuna)} | ${f(withTruth)} | ${f(optunaS)} | ${f(optunaST)} | ${show(c.ours)} | ${show(theirs)} | ${show(c.trueTotal)} |`,
  );
});
const summary = (label: string, rs: readonly number[]) => {
  const sorted = [...rs].sort((a, b) => a - b);
  return `${label}: median ${sorted[(sorted.length - 1) >> 1]!.toFixed(2)}, lowest ${sorted[0]!.toFixed(2)}, ${rs.filter((r) => r >= 0.8).length} of ${rs.length} at 0.8 or more.`;
};
lines.push(
  "",
  summary("ρ(ours, Optuna)", rhos),
  "",
  summary("ρ(ours, true ST)", oursTrue),
  "",
  summary("ρ(Optuna, true ST)", optunaTrue),
);
const md = `${lines.join("\n")}\n`;
writeFileSync(new URL("results/importance-optuna.md", import.meta.url), md);
console.log(md);

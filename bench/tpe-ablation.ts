/**
 * `npx tsx bench/tpe-ablation.ts [--seeds N] [--q 1,4,8]`: the evidence behind
 * strategy: tpe's defaults. Runs variants of the TPE (which the registry does
 * not hold, so they are driven through propose/openRound/recordAttempt, as
 * planRound does for a study without retries or a baseline) beside random
 * search on the benchmark problems, and prints median final regret and the
 * geometric mean over problems and q of each variant's ratio to random.
 */
import { parseArgs } from "node:util";
import { evaluatedAttempt } from "../src/driver/in-process.ts";
import { buildSpace } from "../src/space/space.ts";
import { randomProposer } from "../src/strategy/random.ts";
import type { Proposer } from "../src/strategy/strategy.ts";
import { createTpe } from "../src/strategy/tpe/index.ts";
import { bestSoFar, createStudy, openRound, recordAttempt } from "../src/study/study.ts";
import { benchConfig, median, regretCurve } from "./harness.ts";
import { PROBLEMS, type Problem } from "./problems.ts";
import { fmt } from "./report.ts";

const optunaGamma = (n: number) => Math.min(Math.ceil(0.1 * n), 25);
const VARIANTS: Record<string, Proposer> = {
  random: randomProposer,
  tpe: createTpe(),
  univariate: createTpe({ multivariate: false }),
  "gamma 10%": createTpe({ gamma: optunaGamma }),
  "optuna-like": createTpe({ multivariate: false, gamma: optunaGamma }),
};

const { values: opts } = parseArgs({ options: { seeds: { type: "string" }, q: { type: "string" } } });
const seeds = Number(opts.seeds ?? 30);
const qs = (opts.q ?? "1,4,8").split(",").map(Number);

function finalRegret(problem: Problem, strategy: Proposer, q: number, seed: number): number {
  const config = benchConfig(problem, "random", q, seed);
  const space = buildSpace(config.parameters);
  let study = createStudy(config);
  while (study.trials.length < problem.budget) {
    const count = Math.min(q, problem.budget - study.trials.length);
    const params = strategy.propose({
      space,
      objective: config.objective,
      constraints: [],
      trials: study.trials,
      count,
      seed,
    });
    const opened = openRound(
      study,
      params.map((p) => ({ params: p })),
      [],
    );
    study = opened.study;
    for (const run of opened.runs)
      study = recordAttempt(study, evaluatedAttempt(run, problem.f(study.trials[run.trialId]!.params)));
  }
  return regretCurve(bestSoFar(study.config, study), problem.fStar).at(-1)!;
}

const names = Object.keys(VARIANTS);
const logRatios: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const lines = [`| problem | q | ${names.join(" | ")} |`, `|---|---:|${names.map(() => "---:").join("|")}|`];
for (const problem of PROBLEMS)
  for (const q of qs) {
    const medians = names.map((n) =>
      median(Array.from({ length: seeds }, (_, seed) => finalRegret(problem, VARIANTS[n]!, q, seed))),
    );
    names.forEach((n, i) => {
      logRatios[n]!.push(Math.log(medians[i]! / medians[0]!));
    });
    lines.push(`| ${problem.name} | ${q} | ${medians.map(fmt).join(" | ")} |`);
    process.stderr.write(`${problem.name} q=${q} done\n`);
  }
const geomean = (xs: number[]) => Math.exp(xs.reduce((a, b) => a + b, 0) / xs.length);
lines.push(
  `| **geometric mean, ratio to random** | | ${names.map((n) => `**${fmt(geomean(logRatios[n]!))}**`).join(" | ")} |`,
);
process.stdout.write(`Median final regret over ${seeds} seeds\n\n${lines.join("\n")}\n`);

/**
 * The multi-fidelity benchmark's core: which methods are compared, one study
 * of the synthetic learning-curve problem run through the round driver the
 * shells use (on the in-process backend), the epochs each trial costs, and the
 * "epochs to reach the target" statistics with their markdown tables.
 * bench/multifidelity.ts is the command line; the digits MLP runs there,
 * through the local runner, with real processes.
 */
import { type Config, configSchema } from "../src/config/schema.ts";
import { driveStudy } from "../src/driver/drive.ts";
import { inProcessBackend } from "../src/driver/in-process.ts";
import type { Trial } from "../src/protocol/trial.ts";
import type { Resource } from "../src/space/resource.ts";
import { hyperbandBrackets, iterationCost } from "../src/strategy/hyperband/brackets.ts";
import type { SamplerName } from "../src/strategy/hyperband/samplers.ts";
import type { Study } from "../src/study/schema.ts";
import { createStudy } from "../src/study/study.ts";
import type { CurveProblem } from "./curves.ts";
import { median, quantile } from "./harness.ts";
import { fmt } from "./report.ts";

export interface Method {
  readonly name: string;
  readonly strategy: "random" | "bayes" | "tpe" | "hyperband";
  readonly sampler?: SamplerName;
}

/** random first: it is the baseline every ratio is taken against. */
export const METHODS: readonly Method[] = [
  { name: "random", strategy: "random" },
  { name: "bayes", strategy: "bayes" },
  { name: "hyperband", strategy: "hyperband", sampler: "random" },
  { name: "hyperband+bayes", strategy: "hyperband", sampler: "bayes" },
  { name: "hyperband+tpe", strategy: "hyperband", sampler: "tpe" },
];

export function methodNamed(name: string): Method {
  const m = METHODS.find((x) => x.name === name);
  if (!m) throw new Error(`unknown method ${name}; known: ${METHODS.map((x) => x.name).join(", ")}`);
  return m;
}

/** One finished trial, in the order its result came in. */
export interface TrialEvent {
  readonly trial: number;
  readonly value: number;
  readonly resource: number;
  /** Epochs this trial trained (a promoted trial continues from its parent's checkpoint). */
  readonly cost: number;
  /** Epochs spent by the study up to and including this trial. */
  readonly spent: number;
}

export interface Trace {
  readonly method: string;
  readonly seed: number;
  readonly events: TrialEvent[];
  /** Epochs spent in all (the study stops once this reaches the budget). */
  readonly spent: number;
  readonly rounds: number;
}

export interface StudyOptions {
  readonly seed: number;
  /** Epochs per study: no round is started once this many were spent. */
  readonly budget: number;
  /** Trials per round (budget.parallel). */
  readonly parallel: number;
}

/** The study's config: the problem's parameters and resource, the method's strategy and sampler, no trial limit. */
export function methodConfig(
  name: string,
  parameters: CurveProblem["parameters"],
  resource: CurveProblem["resource"],
  method: Method,
  opts: StudyOptions,
): Config {
  return configSchema.parse({
    name,
    command: ["bench"],
    objective: { metric: "val_accuracy", goal: "maximize" },
    parameters,
    strategy: method.strategy,
    ...(method.sampler ? { sampler: method.sampler } : {}),
    resource,
    seed: opts.seed,
    // The epoch budget ends the study, not the number of trials.
    budget: { max_trials: 1_000_000, parallel: opts.parallel },
  });
}

/** Epochs a trial trains: its resource, less its parent's when it continues the parent's checkpoint. */
export function trialCost(study: Study, trial: Trial): number {
  const parent = trial.parent === undefined ? undefined : study.trials[trial.parent];
  return trial.resource! - (parent?.resource ?? 0);
}

/**
 * One study of a synthetic problem. The trials of a round are evaluated in
 * trial order and each adds its epochs to the total; the study stops at the
 * first trial that takes the total to the budget (the rest of that round
 * would run past it and are not counted).
 */
export async function runCurveStudy(problem: CurveProblem, method: Method, opts: StudyOptions): Promise<Trace> {
  const config = methodConfig(`mf-${problem.name}`, problem.parameters, problem.resource, method, opts);
  const events: TrialEvent[] = [];
  const spentAll = new AbortController();
  let spent = 0;
  let rounds = 0;
  const backend = inProcessBackend((trial, _job, study) => {
    const value = problem.accuracy(trial.params, trial.resource!, opts.seed);
    if (spentAll.signal.aborted) return value;
    const cost = trialCost(study, trial);
    spent += cost;
    events.push({ trial: trial.id, value, resource: trial.resource!, cost, spent });
    if (spent >= opts.budget) spentAll.abort();
    return value;
  });
  await driveStudy(config, createStudy(config), backend, {
    signal: spentAll.signal,
    roundStarted: () => rounds++,
  });
  return { method: method.name, seed: opts.seed, events, spent, rounds };
}

/** Epochs spent when a trial first reached `target`, or undefined if none did within the budget. */
export function epochsToTarget(trace: Trace, target: number, budget: number): number | undefined {
  const hit = trace.events.find((e) => e.value >= target);
  return hit && hit.spent <= budget ? hit.spent : undefined;
}

export const bestValue = (trace: Trace) => Math.max(...trace.events.map((e) => e.value));

export interface MethodStats {
  readonly method: string;
  readonly seeds: number;
  readonly reached: number;
  /** Per seed, epochs to the target; +∞ where it was not reached (censored at the budget). */
  readonly epochs: number[];
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
  readonly finalBest: number;
  readonly trials: number;
}

export function methodStats(traces: readonly Trace[], target: number, budget: number): MethodStats {
  const epochs = traces.map((t) => epochsToTarget(t, target, budget) ?? Number.POSITIVE_INFINITY);
  return {
    method: traces[0]!.method,
    seeds: traces.length,
    reached: epochs.filter(Number.isFinite).length,
    epochs,
    median: median(epochs),
    q1: quantile(epochs, 0.25),
    q3: quantile(epochs, 0.75),
    finalBest: median(traces.map(bestValue)),
    trials: median(traces.map((t) => t.events.length)),
  };
}

export interface ProblemResult {
  readonly problem: string;
  readonly budget: number;
  readonly parallel: number;
  readonly resource: Resource;
  readonly bestFound: number;
  readonly tolerance: number;
  readonly target: number;
  readonly stats: MethodStats[];
}

/** Target = the best value any method found on any seed, less the tolerance; statistics per method. */
export function summarize(
  problem: string,
  resource: Resource,
  traces: readonly Trace[],
  opts: { budget: number; parallel: number; tolerance: number },
): ProblemResult {
  const bestFound = Math.max(...traces.map(bestValue));
  const target = bestFound - opts.tolerance;
  const names = [...new Set(traces.map((t) => t.method))];
  return {
    problem,
    budget: opts.budget,
    parallel: opts.parallel,
    resource,
    bestFound,
    tolerance: opts.tolerance,
    target,
    stats: names.map((n) =>
      methodStats(
        traces.filter((t) => t.method === n),
        target,
        opts.budget,
      ),
    ),
  };
}

const epochsText = (x: number) => (Number.isFinite(x) ? String(Math.round(x)) : "not reached");

/**
 * The table: median epochs to the target (a censored seed counts as more
 * than any number), its ratio to random's median, the seeds that reached
 * it, and the median best accuracy at the end of the budget.
 */
export function renderTable(r: ProblemResult): string {
  const base = r.stats.find((s) => s.method === "random");
  const header = [
    "method",
    "median epochs to target",
    "IQR",
    "vs random",
    "reached",
    "median final best",
    "median trials",
  ];
  const rows = r.stats.map((s) => [
    s.method,
    epochsText(s.median),
    `${epochsText(s.q1)}–${epochsText(s.q3)}`,
    base && Number.isFinite(s.median) && Number.isFinite(base.median) ? `${fmt(s.median / base.median)}×` : "–",
    `${s.reached}/${s.seeds}`,
    s.finalBest.toFixed(4),
    String(Math.round(s.trials)),
  ]);
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

/** Hyperband's brackets for a resource, with what one iteration costs with and without checkpoints. */
export function describeLayout(resource: Resource): string {
  const brackets = hyperbandBrackets(resource);
  const { trials, resource: full } = iterationCost(brackets);
  let resumed = 0;
  for (const b of brackets)
    b.rungs.forEach((rung, i) => {
      resumed += rung.size * (rung.resource - (i > 0 ? b.rungs[i - 1]!.resource : 0));
    });
  const shape = brackets.map((b) => b.rungs.map((rung) => `${rung.size}×${rung.resource}`).join(" → ")).join("; ");
  return `η=${resource.eta}, ${resource.name} ${resource.min}..${resource.max}: ${brackets.length} brackets (trials×${resource.name}) ${shape}. One iteration: ${trials} trials, ${resumed} ${resource.name} with checkpoints (${full} if every trial trained from scratch).`;
}

/**
 * `npm run bench`: every strategy on every problem, over seeds and batch sizes,
 * through the same engine the shells use; then the time to propose a batch
 * from large synthetic studies. Prints markdown and writes it, with the raw
 * numbers as JSON, to bench/results/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { configSchema } from "../src/config/schema.ts";
import { evaluatedAttempt } from "../src/driver/in-process.ts";
import { planRound } from "../src/engine/plan.ts";
import { buildSpace } from "../src/space/space.ts";
import { randomProposer } from "../src/strategy/random.ts";
import { STRATEGY_NAMES, type StrategyName, strategyFor } from "../src/strategy/registry.ts";
import type { Study } from "../src/study/schema.ts";
import { createStudy, openRound, recordAttempt } from "../src/study/study.ts";
import { problemNamed } from "./catalog.ts";
import { type CellStats, cellStats, median, type StudyRun } from "./harness.ts";
import { loadPeers, PEER_FILES, peerKey } from "./peers.ts";
import { PROBLEMS } from "./problems.ts";
import { type BenchResults, type Cell, fmt, renderMarkdown, type SpeedRow } from "./report.ts";
import { SUITE } from "./suite.ts";
import { NON_ADAPTIVE } from "./targets.ts";
import type { Task } from "./worker.ts";

const here = dirname(fileURLToPath(import.meta.url));
/** Strategies that need what these problems lack: grid needs points per float, hyperband a resource. */
const NOT_BENCHMARKED = new Set<StrategyName>(["grid"]);
/** The strategies that only choose configurations; hyperband, which needs a resource, has its own benchmark. */
const PROPOSING = STRATEGY_NAMES.filter((s) => strategyFor(s).proposer);

const { values: opts } = parseArgs({
  options: {
    problems: { type: "string" },
    strategies: { type: "string" },
    q: { type: "string" },
    seeds: { type: "string" },
    workers: { type: "string" },
    quick: { type: "boolean", default: false },
    suite: { type: "boolean", default: false },
    out: { type: "string" },
    "no-speed": { type: "boolean", default: false },
    "speed-only": { type: "boolean", default: false },
  },
});

const list = (s: string | undefined) => s?.split(",").map((x) => x.trim());
// --suite: the wider benchmark of issue #13 (suite.ts) at the seeds its targets are stated for.
const defaultProblems = opts.suite
  ? SUITE.map((p) => p.name)
  : opts.quick
    ? ["branin", "hpo_mixed"]
    : PROBLEMS.map((p) => p.name);
const problems = opts["speed-only"] ? [] : (list(opts.problems) ?? defaultProblems).map(problemNamed);
const strategies = (list(opts.strategies) ?? PROPOSING.filter((s) => !NOT_BENCHMARKED.has(s))).map((s) => {
  if (!PROPOSING.includes(s as StrategyName)) throw new Error(`unknown strategy ${s}`);
  return s as StrategyName;
});
const qs = (list(opts.q) ?? (opts.quick ? ["1", "4"] : ["1", "4", "8"])).map(Number);
const seeds = Number(opts.seeds ?? (opts.quick ? 3 : opts.suite ? 20 : 10));
const outName = opts.out ?? (opts.suite ? "suite" : "latest");
const workerCount = Math.max(1, Math.min(Number(opts.workers ?? 2), availableParallelism()));
// 1,500 and 1,501 straddle bayes's handover to tpe (HANDOVER_TRIALS), where a round must not get slower.
const speedSizes = opts["no-speed"] ? [] : opts.quick ? [300] : [300, 1000, 1500, 1501];
const SPEED_DIMS = 8;
const SPEED_BATCH = 8;
const SPEED_REPEATS = opts.quick ? 3 : 5;

const progress = (line: string) => process.stderr.write(`${line}\n`);
const started = performance.now();
const loadAtStart = loadavg()[0]!;
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

const tasks: Task[] = [];
for (const problem of problems)
  for (const q of qs)
    for (const strategy of strategies)
      for (let seed = 0; seed < seeds; seed++)
        tasks.push({ id: tasks.length, problem: problem.name, strategy, q, seed });

progress(
  `bench: ${problems.length} problems × q ${qs.join(",")} × ${strategies.join(", ")} × ${seeds} seeds = ${tasks.length} studies on ${workerCount} worker(s)`,
);
const runs = await runAll(tasks);

const loaded = loadPeers();
if (!loaded)
  progress(`bench: no peer file (${PEER_FILES.map((f) => f.name).join(", ")}); printing without peer numbers`);
const cells: Cell[] = [];
for (const problem of problems)
  for (const q of qs) {
    const stats: Partial<Record<StrategyName, CellStats>> = {};
    for (const s of strategies)
      stats[s] = cellStats(
        tasks.filter((t) => t.problem === problem.name && t.q === q && t.strategy === s).map((t) => runs[t.id]!),
        problem.budget,
      );
    cells.push({
      problem: problem.name,
      q,
      budget: problem.budget,
      dims: Object.keys(problem.parameters).length,
      stats,
      peers: loaded?.peers.get(peerKey(problem.name, q)),
    });
  }

const loadAtSpeed = loadavg()[0]!;
const speed = speedSizes.map((n) => measureSpeed(n));
const results: BenchResults = {
  version: 1,
  generated: new Date().toISOString(),
  node: process.version,
  cpu: `${cpus()[0]?.model ?? "unknown"} × ${availableParallelism()}`,
  workers: workerCount,
  seeds,
  strategies,
  wallSeconds: Math.round((performance.now() - started) / 1000),
  load: { start: loadAtStart, speed: loadAtSpeed },
  peersFile: loaded?.files.join(", "),
  cells,
  speed,
};

const markdown = renderMarkdown(results);
const outBase = isAbsolute(outName) ? outName : join(here, "results", outName);
mkdirSync(dirname(outBase), { recursive: true });
writeFileSync(`${outBase}.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${outBase}.md`, markdown);
process.stdout.write(markdown);
progress(`bench: done in ${elapsed()}; wrote ${outBase}.json and .md`);

/**
 * Runs the studies on worker threads, handing out the next task as each one
 * finishes. Each study is deterministic on its own, so the results do not
 * depend on which worker ran what or in which order.
 */
async function runAll(all: readonly Task[]): Promise<StudyRun[]> {
  const out: StudyRun[] = new Array(all.length);
  const groupSize = new Map<string, number>();
  const groupKey = (t: Task) => `${t.problem} q=${t.q} ${t.strategy}`;
  for (const t of all) groupSize.set(groupKey(t), (groupSize.get(groupKey(t)) ?? 0) + 1);
  const groupsTotal = groupSize.size;
  let groupsDone = 0;
  const finish = (t: Task, run: StudyRun) => {
    out[t.id] = run;
    const key = groupKey(t);
    const left = groupSize.get(key)! - 1;
    groupSize.set(key, left);
    if (left > 0) return;
    groupsDone++;
    const group = all.filter((x) => groupKey(x) === key);
    const finals = group.map((x) => out[x.id]!.regret.at(-1)!);
    const ms = median(group.flatMap((x) => out[x.id]!.proposeMs));
    progress(
      `[${String(groupsDone).padStart(3)}/${groupsTotal}] ${key.padEnd(28)} median final regret ${fmt(median(finals))}, ${ms.toFixed(1)} ms/batch (${elapsed()})`,
    );
  };
  // Expensive studies first, so that no worker is left with a long one at the end.
  const queue = [...all].sort((a, b) => cost(b) - cost(a) || a.id - b.id);
  await Promise.all(
    Array.from({ length: workerCount }, async () => {
      const worker = new Worker(new URL("./worker-entry.mjs", import.meta.url));
      try {
        for (let t = queue.shift(); t; t = queue.shift()) {
          const task = t;
          const run = await new Promise<StudyRun>((resolve, reject) => {
            const onMessage = (msg: { id: number; run: StudyRun }) => {
              worker.off("error", reject);
              resolve(msg.run);
            };
            worker.once("message", onMessage);
            worker.once("error", reject);
            worker.postMessage(task);
          });
          finish(task, run);
        }
      } finally {
        await worker.terminate();
      }
    }),
  );
  return out;
}

/** A rough relative cost: model-based strategies refit every round, so fewer, larger rounds cost less. */
function cost(t: Task): number {
  const budget = problemNamed(t.problem).budget;
  return NON_ADAPTIVE.has(t.strategy as StrategyName) ? budget / 100 : (budget * budget) / t.q;
}

/**
 * The time to propose one batch from a study of `n` finished trials in 8
 * dimensions, for each model-based strategy and for random (the in-process
 * baseline), each the median of a few repeats on this (otherwise idle) thread.
 */
function measureSpeed(n: number): SpeedRow {
  progress(`bench: speed, a batch of ${SPEED_BATCH} from ${n} trials in ${SPEED_DIMS} dimensions`);
  const names = [...new Set<StrategyName>(["random", ...strategies.filter((s) => !NON_ADAPTIVE.has(s))])];
  const ms: Partial<Record<StrategyName, number>> = {};
  const study = syntheticStudy(n);
  for (const strategy of names) {
    const config = speedConfig(strategy, n);
    planRound(config, study); // warm-up: compile the code paths before they are timed
    const times: number[] = [];
    for (let r = 0; r < SPEED_REPEATS; r++) {
      const t0 = performance.now();
      const plan = planRound(config, study);
      times.push(performance.now() - t0);
      if (plan.kind !== "round" || plan.runs.length !== SPEED_BATCH)
        throw new Error(`${strategy} proposed ${plan.kind === "round" ? plan.runs.length : 0} of ${SPEED_BATCH}`);
    }
    ms[strategy] = median(times);
    progress(`  ${strategy}: ${ms[strategy]!.toFixed(1)} ms (${elapsed()})`);
  }
  return { trials: n, dims: SPEED_DIMS, batch: SPEED_BATCH, repeats: SPEED_REPEATS, ms };
}

function speedConfig(strategy: StrategyName, n: number) {
  return configSchema.parse({
    name: "bench-speed",
    command: ["bench"],
    objective: { metric: "f", goal: "minimize" },
    parameters: Object.fromEntries(
      Array.from({ length: SPEED_DIMS }, (_, i) => [`x${i}`, { type: "float", min: 0, max: 1 }]),
    ),
    strategy,
    budget: { max_trials: n + SPEED_BATCH, parallel: SPEED_BATCH },
  });
}

/** `n` finished trials at random points, valued by a smooth function with some ripple. */
function syntheticStudy(n: number): Study {
  const config = speedConfig("random", n);
  const params = randomProposer.propose({
    space: buildSpace(config.parameters),
    objective: config.objective,
    constraints: [],
    trials: [],
    count: n,
    seed: 12345,
  });
  let study = openRound(
    createStudy(config),
    params.map((p) => ({ params: p })),
    [],
  ).study;
  for (const t of study.trials) {
    const x = Object.values(t.params).map(Number);
    const value = x.reduce((s, v, i) => s + (v - 0.3) ** 2 + 0.05 * Math.sin(7 * v + i), 0);
    study = recordAttempt(study, evaluatedAttempt({ trialId: t.id, attempt: 1 }, value));
  }
  return study;
}

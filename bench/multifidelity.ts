/**
 * `npm run bench:mf`: how many epochs each method spends before one of its
 * trials comes within 0.5 percentage points of the best accuracy any method
 * found, for hyperband (with a random, bayes or tpe sampler) against random
 * and bayes search that train every trial at the full resource.
 *
 * Problems: `curves`, a synthetic learning-curve problem (bench/curves.ts,
 * instant, so many seeds), and `digits`, the digits MLP of
 * examples/digits-mlp run as real processes through the local runner
 * (runLocalStudy) with a config written to a temporary directory, a promoted
 * trial resuming from its parent's checkpoint. Ratios are taken against
 * random search run in the same process; nothing here is a timed test.
 *
 *   npm run bench:mf -- [--problem curves|digits|all] [--seeds N] [--budget EPOCHS]
 *                       [--parallel N] [--methods a,b] [--workers N] [--out NAME]
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { parse, stringify } from "yaml";
import { loadConfig } from "../src/config/load.ts";
import { studyPaths } from "../src/local/paths.ts";
import type { Progress } from "../src/local/progress.ts";
import { runLocalStudy } from "../src/local/run.ts";
import type { Resource } from "../src/space/resource.ts";
import { CURVES } from "./curves.ts";
import {
  describeLayout,
  METHODS,
  type Method,
  methodNamed,
  type ProblemResult,
  renderTable,
  type StudyOptions,
  summarize,
  type Trace,
  type TrialEvent,
  trialCost,
} from "./mf-harness.ts";

const here = dirname(fileURLToPath(import.meta.url));
const DIGITS_DIR = join(here, "../examples/digits-mlp");
const TOLERANCES = [0.005, 0.01];

interface ProblemDefaults {
  seeds: number;
  budget: number;
  parallel: number;
}
const DEFAULTS: Record<"curves" | "digits", ProblemDefaults> = {
  // 200 trials at the full 81 epochs for random search; about 10 hyperband iterations.
  curves: { seeds: 24, budget: 16200, parallel: 8 },
  // 40 trials at the full 27 epochs; about 3 hyperband iterations.
  digits: { seeds: 3, budget: 1080, parallel: 4 },
};
const DIGITS_RESOURCE = { name: "epochs", min: 1, max: 27, eta: 3 };

const { values: opts } = parseArgs({
  options: {
    problem: { type: "string", default: "all" },
    seeds: { type: "string" },
    budget: { type: "string" },
    parallel: { type: "string" },
    methods: { type: "string" },
    workers: { type: "string" },
    out: { type: "string" },
  },
});

const problems = opts.problem === "all" ? (["curves", "digits"] as const) : ([opts.problem] as const);
for (const p of problems) if (p !== "curves" && p !== "digits") throw new Error(`--problem is curves, digits or all`);
const methods = opts.methods ? opts.methods.split(",").map((s) => methodNamed(s.trim())) : [...METHODS];
if (methods[0]?.name !== "random") methods.unshift(methodNamed("random"));
const workerCount = Math.max(1, Math.min(Number(opts.workers ?? 2), availableParallelism()));
const settings = (p: "curves" | "digits"): ProblemDefaults => ({
  seeds: Number(opts.seeds ?? DEFAULTS[p].seeds),
  budget: Number(opts.budget ?? DEFAULTS[p].budget),
  parallel: Number(opts.parallel ?? DEFAULTS[p].parallel),
});

const progress = (line: string) => process.stderr.write(`${line}\n`);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const loadAtStart = loadavg()[0]!;
const revision = gitRevision();

/** What the digits processes said about resuming: every promoted trial should continue its parent's checkpoint. */
const digitsChecks = { promoted: 0, resumed: 0, mismatched: 0 };
const sections: string[] = [];
for (const problem of problems) {
  const s = settings(problem as "curves" | "digits");
  const t0 = performance.now();
  const traces = problem === "curves" ? await runCurves(s) : await runDigits(s);
  const seconds = (performance.now() - t0) / 1000;
  const resource = (problem === "curves" ? CURVES.resource : DIGITS_RESOURCE) as Resource;
  const byTolerance = TOLERANCES.map((tolerance) =>
    summarize(problem, resource, traces, { budget: s.budget, parallel: s.parallel, tolerance }),
  );
  sections.push(renderProblem(problem as "curves" | "digits", s, traces, byTolerance, seconds));
}

const markdown = renderReport();
process.stdout.write(markdown);
if (opts.out) {
  const name = opts.out.endsWith(".md") ? opts.out : `${opts.out}.md`;
  const path = isAbsolute(name) ? name : join(here, "results", name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, markdown);
  progress(`bench:mf: wrote ${path}`);
}
progress(`bench:mf: done in ${elapsed()}`);

function renderReport(): string {
  const args = process.argv.slice(2);
  const lines = [
    "# Multi-fidelity benchmark: epochs to reach the best accuracy",
    "",
    `\`npm run bench:mf${args.length ? ` -- ${args.join(" ")}` : ""}\` · ${new Date().toISOString().slice(0, 10)} · node ${process.version} · ${cpus()[0]?.model ?? "unknown"} × ${availableParallelism()} · load ${loadAtStart.toFixed(1)} at start · ${elapsed()} in all · ${revision}`,
    "",
    "For each problem the target is the best validation accuracy that any method found on any seed, less",
    "0.5 percentage points. A method's cost to reach it is the epochs its study had spent (summed over trials,",
    "in the order results came in, including the trial that reached it) when a trial of any rung first",
    "reached it; a seed that did not reach it within the budget counts as more than any number (not",
    "reached). A trial that hyperband promotes continues its parent's checkpoint and costs only the extra",
    "epochs. **vs random** is the method's median divided by random search's median from the same run (a",
    "ratio of medians, not a median of per-seed ratios); **median final best** is the median over seeds of",
    "the best accuracy found within the whole budget. random and bayes train every trial at the full",
    "resource. Every study has the same epoch budget and the same trials per round (budget.parallel).",
    "",
    ...sections,
  ];
  return `${lines.join("\n")}\n`;
}

function renderProblem(
  problem: "curves" | "digits",
  s: ProblemDefaults,
  traces: readonly Trace[],
  byTolerance: readonly ProblemResult[],
  seconds: number,
): string {
  const main = byTolerance[0]!;
  const what =
    problem === "curves"
      ? "the synthetic learning-curve problem of `bench/curves.ts` (six parameters, 81 epochs at most, bounded noise of ±0.002 per epoch)"
      : "the digits MLP of `examples/digits-mlp` (the parameters of its tune.yml less `epochs`), each trial a `node train.mjs` process run by `runLocalStudy`";
  const out = [
    `## ${problem}`,
    "",
    `${what}: ${s.seeds} seeds, ${s.budget} epochs per study, ${s.parallel} trials per round, ${Math.round(seconds)} s.`,
    "",
    `Hyperband layout: ${describeLayout(main.resource)}`,
    "",
    ...byTolerance.flatMap((r) => [
      `Best accuracy found: ${r.bestFound.toFixed(4)}; target within ${r.tolerance * 100} pp: **${r.target.toFixed(4)}**.`,
      "",
      renderTable(r),
      "",
    ]),
    ...(problem === "digits"
      ? [
          `Checkpoints: ${digitsChecks.resumed} of ${digitsChecks.promoted} promoted trials said \`resumed from epoch=N\` and trained only the epochs above their parent's; ${digitsChecks.mismatched} trials printed another number of epochs than resource − parent's resource.`,
          "",
        ]
      : []),
    "Epochs to the 0.5 pp target per seed (– not reached):",
    "",
    perSeedTable(main, traces),
    "",
  ];
  return out.join("\n");
}

function perSeedTable(r: ProblemResult, traces: readonly Trace[]): string {
  const seeds = [...new Set(traces.map((t) => t.seed))].sort((a, b) => a - b);
  const header = ["seed", ...r.stats.map((s) => s.method)];
  const rows = seeds.map((seed, i) => [
    String(seed),
    ...r.stats.map((s) => (Number.isFinite(s.epochs[i]!) ? String(s.epochs[i]) : "–")),
  ]);
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---:").join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

/** Every (method, seed) study of the synthetic problem, on worker threads; each study is deterministic on its own. */
async function runCurves(s: ProblemDefaults): Promise<Trace[]> {
  const tasks = methods.flatMap((m) =>
    Array.from({ length: s.seeds }, (_, seed) => ({
      method: m.name,
      opts: { seed, budget: s.budget, parallel: s.parallel } satisfies StudyOptions,
    })),
  );
  progress(
    `bench:mf: curves, ${methods.length} methods × ${s.seeds} seeds = ${tasks.length} studies on ${workerCount} worker(s)`,
  );
  const out: Trace[] = new Array(tasks.length);
  // Model-based samplers are the slow ones: start them first so that no worker is left with one at the end.
  const slow = (name: string) => (name.includes("bayes") ? 2 : name.includes("tpe") ? 1 : 0);
  const queue = tasks.map((t, id) => ({ ...t, id })).sort((a, b) => slow(b.method) - slow(a.method) || a.id - b.id);
  let done = 0;
  await Promise.all(
    Array.from({ length: workerCount }, async () => {
      const worker = new Worker(new URL("./mf-worker.mjs", import.meta.url));
      try {
        for (let t = queue.shift(); t; t = queue.shift()) {
          const task = t;
          out[task.id] = await new Promise<Trace>((resolve, reject) => {
            worker.once("message", (msg: { trace: Trace }) => {
              worker.off("error", reject);
              resolve(msg.trace);
            });
            worker.once("error", reject);
            worker.postMessage(task);
          });
          done++;
          if (done % s.seeds === 0 || done === tasks.length)
            progress(`  ${done}/${tasks.length} studies (${elapsed()})`);
        }
      } finally {
        await worker.terminate();
      }
    }),
  );
  return out;
}

async function runDigits(s: ProblemDefaults): Promise<Trace[]> {
  progress(
    `bench:mf: digits, ${methods.length} methods × ${s.seeds} seeds, ${s.budget} epochs each, ${s.parallel} processes at a time`,
  );
  const out: Trace[] = [];
  for (const method of methods)
    for (let seed = 0; seed < s.seeds; seed++) {
      const t0 = performance.now();
      const trace = await runDigitsStudy(method, { seed, budget: s.budget, parallel: s.parallel });
      const best = Math.max(...trace.events.map((e) => e.value));
      progress(
        `  digits ${method.name.padEnd(16)} seed ${seed}: ${trace.events.length} trials, ${trace.spent} epochs, best ${best.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s; ${elapsed()})`,
      );
      out.push(trace);
    }
  return out;
}

/**
 * One study of the digits MLP through the real local runner: the example's
 * tune.yml with `epochs` as the resource instead of a parameter, written to a
 * temporary directory and loaded as a user's config would be. Each trial's
 * epochs are what its process printed (a promoted trial resumes from its
 * parent's checkpoint and prints only the epochs it trains); once the study has
 * spent the budget, the trials still running are stopped and not counted.
 */
async function runDigitsStudy(method: Method, opts: StudyOptions): Promise<Trace> {
  const dir = mkdtempSync(join(tmpdir(), "mf-digits-"));
  try {
    const doc = parse(readFileSync(join(DIGITS_DIR, "tune.yml"), "utf8"));
    delete doc.parameters.epochs;
    Object.assign(doc, {
      name: `mf-digits-${method.name.replace("+", "-")}-${opts.seed}`,
      workdir: DIGITS_DIR,
      strategy: method.strategy,
      ...(method.sampler ? { sampler: method.sampler } : {}),
      resource: DIGITS_RESOURCE,
      seed: opts.seed,
      baseline: false,
      timeout: "10m",
      budget: { max_trials: 1_000_000, parallel: opts.parallel, retries: 0 },
    });
    const file = join(dir, "tune.yml");
    writeFileSync(file, stringify(doc));
    const { config } = loadConfig(file);
    const paths = studyPaths(file, config, join(dir, "state"));
    const abort = new AbortController();
    const events: TrialEvent[] = [];
    let spent = 0;
    let mismatched = 0;
    let resumed = 0;
    let rounds = 0;
    const quiet: Progress = {
      roundStarted: () => {
        rounds++;
      },
      runStarted: () => {},
      intermediate: () => {},
      message: () => {},
      close: () => {},
      trialFinished(study, attempt) {
        const trial = study.trials[attempt.trialId]!;
        const log = readFileSync(
          join(paths.runDir({ trialId: trial.id, attempt: attempt.attempt }), "log.txt"),
          "utf8",
        );
        const trained = (log.match(/^epoch=\d+/gm) ?? []).length;
        if (attempt.status === "succeeded" && trained !== trialCost(study, trial)) mismatched++;
        if (trial.parent !== undefined && /resumed from epoch=\d+/.test(log)) resumed++;
        spent += trained;
        if (attempt.status === "succeeded")
          events.push({ trial: trial.id, value: attempt.value, resource: trial.resource!, cost: trained, spent });
        if (spent >= opts.budget) abort.abort();
      },
    };
    await runLocalStudy({
      configFile: file,
      config,
      paths,
      resume: false,
      fresh: false,
      progress: quiet,
      signal: abort.signal,
    });
    if (mismatched > 0)
      progress(`  warning: ${mismatched} trials trained other than resource − parent's resource epochs`);
    digitsChecks.promoted += events.filter((e) => e.cost < e.resource).length;
    digitsChecks.resumed += resumed;
    digitsChecks.mismatched += mismatched;
    return { method: method.name, seed: opts.seed, events, spent, rounds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The commit the engine came from, and whether src/ had changes not yet committed. */
function gitRevision(): string {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: here, encoding: "utf8" }).trim();
    const dirty = git("status", "--porcelain", "--", "../src").length > 0;
    return `commit ${git("rev-parse", "--short", "HEAD")}${dirty ? " with uncommitted changes in src/" : ""}`;
  } catch {
    return "not a git checkout";
  }
}

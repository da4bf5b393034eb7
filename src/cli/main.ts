#!/usr/bin/env node
/**
 * `matrix-tune`: validate a config, preview the next matrix, run a whole study
 * locally with trials as processes, and report on it.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ConfigError } from "../config/errors.ts";
import { type LoadedConfig, loadConfig } from "../config/load.ts";
import { applyOverrides, OverrideError } from "../config/overrides.ts";
import { type Config, devicesSchema } from "../config/schema.ts";
import { startRound } from "../driver/round.ts";
import { MIN_TRIALS } from "../importance/importance.ts";
import { studyPaths } from "../local/paths.ts";
import { createProgress } from "../local/progress.ts";
import { openStudy, runLocalStudy } from "../local/run.ts";
import { concurrencyText } from "../local/slots.ts";
import { PageError, writeReportPage, writeReportPageOrWarn } from "../page/write.ts";
import { seriesSparkline, sparkline } from "../report/chart.ts";
import { costLine } from "../report/cost.ts";
import { frontLine, isMultiObjective } from "../report/front.ts";
import { hypervolumeSoFar } from "../report/front-chart.ts";
import { importanceSection } from "../report/importance.ts";
import { studyJson } from "../report/json.ts";
import { markdownReport } from "../report/markdown.ts";
import { rungsSection } from "../report/rungs.ts";
import { baselineLine, bestSnippet, countsLine, stopLine, warmStartLine } from "../report/summary.ts";
import { resultsTable } from "../report/table.ts";
import { STRATEGY_NAMES } from "../strategy/registry.ts";
import type { Study } from "../study/schema.ts";
import { readStudy, readWarmStart, STATE_FILE, StateError } from "../study/store.ts";
import type { WarmStart } from "../study/warm-start.ts";
import { readTrialSpec, runTrialJobs } from "../trial/job.ts";
import { githubMatrix, PayloadError, packPayloads, payloadOf } from "../trial/payload.ts";
import { describeConfig } from "./describe.ts";

/** Exit codes, documented in the README. */
export const EXIT = { ok: 0, error: 1, config: 2, noSuccess: 3, state: 4, interrupted: 130 } as const;

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
  return n;
};
const nonNegativeInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number of at least 0`);
  return n;
};
/** `--devices 0,1,2,3`, checked as the config's `devices:` is. */
const deviceList = (v: string): string[] => {
  const parsed = devicesSchema.safeParse(v.split(",").map((d) => d.trim()));
  if (parsed.success) return parsed.data;
  throw new InvalidArgumentError(
    `--devices is a comma-separated list of device ids such as 0,1,2,3: ${parsed.error.issues[0]!.message}`,
  );
};

interface RunFlags {
  parallel?: number;
  devices?: string[];
  seed?: number;
  maxTrials?: number;
  resume?: boolean;
  fresh?: boolean;
  stateDir?: string;
  progress?: boolean;
  warmStart?: string;
}

/** `--warm-start`: a study's state file, or the directory that holds it. */
function localWarmStart(target: string, config: Config): WarmStart {
  const path = existsSync(join(target, STATE_FILE)) ? join(target, STATE_FILE) : target;
  const warm = readWarmStart(path, config, path);
  if ("refused" in warm) throw new StateError(warm.refused);
  return warm;
}

function load(file: string, flags: Pick<RunFlags, "parallel" | "devices" | "seed" | "maxTrials"> = {}): LoadedConfig {
  const loaded = loadConfig(file);
  const config = applyOverrides(loaded.config, {
    seed: flags.seed,
    parallel: flags.parallel,
    max_trials: flags.maxTrials,
  });
  // Not one of applyOverrides' settings: those are also /tune's, and devices mean nothing on GitHub.
  return { ...loaded, config: flags.devices ? { ...config, devices: flags.devices } : config };
}

function terminalReport(config: Config, study: Study): string {
  const mo = isMultiObjective(config);
  const spark = mo ? seriesSparkline(hypervolumeSoFar(config, study), true) : sparkline(config, study);
  return [
    resultsTable(config, study, { aligned: true }),
    "",
    rungsSection(config, study) ?? "",
    "",
    countsLine(study),
    ...(mo ? [frontLine(config, study)] : []),
    spark ? `${mo ? "front's hypervolume" : `best ${config.objective[0].metric}`} so far: ${spark}` : "",
    stopLine(study),
    ...[costLine(config, study), warmStartLine(study), baselineLine(config, study)].filter((l) => l !== undefined),
    "",
    bestSnippet(config, study) ?? "No trial succeeded.",
  ]
    .filter((l, i, a) => !(l === "" && a[i - 1] === ""))
    .join("\n");
}

/** The signals that stop a run: Ctrl-C, SIGTERM (a cancelled job, `kill`) and SIGHUP (the terminal closed). */
function listen(onSignal: (signal: NodeJS.Signals) => void): () => void {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}

export function buildProgram(): Command {
  const program = new Command("matrix-tune")
    .description("Tune hyperparameters: the same engine as the GitHub Action, with trials as local processes.")
    .version("1.0.0")
    .showHelpAfterError()
    // Throw instead of exiting, so that main() maps usage errors to exit code 2.
    .exitOverride();

  program
    .command("validate")
    .description("check a config and show its search space")
    .argument("<config>", "tuning config (tune.yml, native or W&B sweep syntax)")
    .action((file: string) => {
      const { config, dialect } = load(file);
      console.log(`${file}: valid${dialect === "wandb" ? " (W&B sweep syntax, converted)" : ""}`);
      console.log(describeConfig(config));
    });

  program
    .command("plan")
    .description("dry run: the next round's trials, and the GitHub matrix the Action would emit")
    .argument("<config>", "tuning config")
    .option("--state-dir <dir>", "study directory (default: .matrix-tune/<name> beside the config)")
    .option("--json", "print only the matrix JSON")
    .action((file: string, flags: { stateDir?: string; json?: boolean }) => {
      const { config } = load(file);
      const paths = studyPaths(file, config, flags.stateDir);
      const study = openStudy({ config, paths, resume: true, fresh: false });
      const plan = startRound(config, study, Date.now());
      if (plan.kind === "done") {
        if (flags.json) console.log(JSON.stringify(githubMatrix([])));
        else console.log(`nothing to run: ${plan.stop.message}`);
        return;
      }
      const payloads = plan.jobs.map((job) => payloadOf(config.name, plan.round, job));
      const matrix = githubMatrix(packPayloads(payloads, config.trials_per_job));
      if (flags.json) {
        console.log(JSON.stringify(matrix));
        return;
      }
      console.log(
        `round ${plan.round}${plan.resumed ? " (unfinished, would run again)" : ""}: ${plan.runs.length} trials`,
      );
      for (const p of payloads) console.log(`  trial ${p.trial} (attempt ${p.attempt}): ${JSON.stringify(p.params)}`);
      console.log(`\nmatrix:\n${JSON.stringify(matrix)}`);
    });

  program
    .command("run")
    .description("run the study here, each round's trials as parallel processes")
    .argument("<config>", "tuning config")
    .option(
      "--parallel <n>",
      "trials per round and processes at once (overrides budget.parallel)",
      positiveInt("--parallel"),
    )
    .option(
      "--devices <ids>",
      "GPUs to share out, one per running trial process, e.g. 0,1,2,3 (overrides devices)",
      deviceList,
    )
    .option("--seed <s>", "seed (overrides seed)", nonNegativeInt("--seed"))
    .option(
      "--max-trials <n>",
      "total trials (overrides budget.max_trials; raise it with --resume to extend a study)",
      positiveInt("--max-trials"),
    )
    .option("--resume", "continue the saved study: finished trials are kept, unfinished ones run again")
    .addOption(new Option("--fresh", "move a saved study aside and start over").conflicts("resume"))
    .option("--state-dir <dir>", "study directory (default: .matrix-tune/<name> beside the config)")
    .option(
      "--warm-start <study>",
      "start a new study from another's results (its state.json or study directory): round 1 re-runs its best, the strategy learns from the rest",
    )
    .option("--no-progress", "no live status line, even on a terminal")
    .action(async (file: string, flags: RunFlags) => {
      const { config } = load(file, flags);
      const paths = studyPaths(file, config, flags.stateDir);
      const warmStart = flags.warmStart ? localWarmStart(flags.warmStart, config) : undefined;
      const live = Boolean(process.stderr.isTTY) && !process.env.CI && flags.progress !== false;
      const progress = createProgress(config, process.stderr, live);
      const abort = new AbortController();
      const kill = new AbortController();
      // Ctrl-C, SIGTERM and SIGHUP (the terminal closed) stop the trials and save
      // what finished; a second one kills the trials' process groups and quits at
      // once. Either way no trial outlives the run.
      const onSignal = (signal: NodeJS.Signals) => {
        if (abort.signal.aborted) {
          kill.abort();
          process.exit(EXIT.interrupted);
        }
        abort.abort();
        progress.message(`${signal}: stopping, waiting for running trials to end (Ctrl-C again to quit at once)…`);
      };
      const stopListening = listen(onSignal);
      if (warmStart) progress.message(warmStartLine({ warmStart })!);
      progress.message(
        `study ${config.name}: ${config.strategy} search over ${Object.keys(config.parameters).length} parameters, ${config.budget.max_trials} trials, ${concurrencyText(config)} → ${paths.dir}`,
      );
      try {
        const { study, interrupted } = await runLocalStudy({
          configFile: file,
          config,
          paths,
          resume: Boolean(flags.resume),
          fresh: Boolean(flags.fresh),
          warmStart,
          progress,
          signal: abort.signal,
          kill: kill.signal,
        });
        progress.close();
        writeFileSync(paths.report, markdownReport(config, study));
        const page = writeReportPageOrWarn(paths.page, config, study, (m) => console.error(`warning: ${m}`));
        console.log(terminalReport(config, study));
        console.log(`\nreport: ${paths.report}${page ? `\npage:   ${paths.page}` : ""}\nstate:  ${paths.state}`);
        if (interrupted) {
          console.error(`interrupted: continue with  matrix-tune run ${file} --resume`);
          process.exitCode = EXIT.interrupted;
        } else if (!study.trials.some((t) => t.status === "succeeded")) process.exitCode = EXIT.noSuccess;
      } finally {
        progress.close();
        stopListening();
      }
    });

  program
    .command("trial")
    .description(
      "run the trials of a GitHub trial job one after another, from the spec the Action's prepare step wrote, and write each one's result file as it ends",
    )
    .requiredOption("--spec <file>", "the trial spec (the prepare step's `spec` output)")
    .action(async (flags: { spec: string }) => {
      const spec = readTrialSpec(flags.spec);
      const abort = new AbortController();
      // A cancelled job gets SIGINT, then SIGTERM: stop the trial's process group rather than orphan it.
      const stopListening = listen(() => abort.abort());
      try {
        const outcomes = await runTrialJobs(spec, (line) => console.log(line), abort.signal);
        for (const outcome of outcomes) if (outcome.kind === "finished") console.log(`result: ${outcome.resultFile}`);
        // After every run has had its turn: one failure fails the step, not the runs after it.
        if (outcomes.some((o) => o.kind === "interrupted") || abort.signal.aborted) {
          console.error("the trial was stopped (the job was cancelled); it will run again when the study resumes");
          process.exitCode = EXIT.interrupted;
        } else if (
          outcomes.some((o) => o.kind === "not-run" || (o.kind === "finished" && o.attempt.status === "failed"))
        )
          process.exitCode = EXIT.noSuccess;
      } finally {
        stopListening();
      }
    });

  program
    .command("report")
    .description("the results table, best configuration and stop reason of a study")
    .argument("<config-or-state>", "tuning config, or a study's state.json")
    .option("--state-dir <dir>", "study directory, when given a config")
    .option("--markdown", "print markdown instead of the terminal layout")
    .addOption(new Option("--json", "print the study as JSON (version 1, see the README)").conflicts("markdown"))
    .option("-o, --out <file>", "also write the markdown report to this file")
    .option("--html <file>", "also write the report page to this file: one HTML file with charts and the trials table")
    .addOption(
      new Option("--importance", "print only how much each parameter matters (functional ANOVA)").conflicts([
        "markdown",
        "json",
      ]),
    )
    .action(
      (
        target: string,
        flags: {
          stateDir?: string;
          markdown?: boolean;
          json?: boolean;
          out?: string;
          html?: string;
          importance?: boolean;
        },
      ) => {
        let study: Study;
        if (target.endsWith(".json")) study = readStudy(target);
        else {
          const { config } = load(target);
          const paths = studyPaths(target, config, flags.stateDir);
          if (!existsSync(paths.state))
            throw new StateError(`no study saved at ${paths.state} yet: run  matrix-tune run ${target}`);
          study = readStudy(paths.state);
        }
        const md = markdownReport(study.config, study);
        if (flags.out) writeFileSync(flags.out, md);
        if (flags.html) writeReportPage(flags.html, study.config, study);
        if (flags.json) console.log(JSON.stringify(studyJson(study), null, 2));
        else if (flags.importance)
          console.log(
            importanceSection(study.config, study, { chart: false }) ??
              `Too few finished trials to say which parameters matter (at least ${MIN_TRIALS} are needed).`,
          );
        else console.log(flags.markdown ? md : terminalReport(study.config, study));
        if (!study.trials.some((t) => t.status === "succeeded")) process.exitCode = EXIT.noSuccess;
      },
    );

  program.addHelpText(
    "after",
    `\nStrategies available: ${STRATEGY_NAMES.join(", ")}.\nExit codes: 0 ok, 1 unexpected error, 2 invalid config or arguments, 3 no trial succeeded (for trial: one of its trials failed), 4 study state problem (or the study is being run elsewhere), 130 interrupted.`,
  );
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed help, the version or the usage error.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.config;
    } else if (err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = EXIT.config;
    } else if (err instanceof OverrideError) {
      console.error(`error: ${err.message}`);
      process.exitCode = EXIT.config;
    } else if (err instanceof PayloadError) {
      console.error(`error: ${err.message}`);
      process.exitCode = EXIT.config;
    } else if (err instanceof PageError) {
      console.error(`error: ${err.message}`);
      process.exitCode = EXIT.error;
    } else if (err instanceof StateError) {
      console.error(`error: ${err.message}`);
      process.exitCode = EXIT.state;
    } else throw err;
  }
}

await main(process.argv);

/**
 * Runs one trial: starts the user's command as a child process in its own
 * process group, hands it the parameters (argv, environment, JSON file), streams
 * its output to a log while reading metric lines, enforces the timeout on the
 * whole group, and turns what happened into an attempt record. This is the one
 * place that starts user code; the local shell and `matrix-tune trial --spec` (a GitHub
 * trial job's `run:` step) share it, and it hands the command only the environment
 * env.ts allows.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { expandArgv } from "../config/command.ts";
import { type Config, paramEnvName } from "../config/schema.ts";
import type { PruneRule } from "../protocol/prune-rule.ts";
import type { Attempt, Intermediate } from "../protocol/trial.ts";
import type { Params } from "../space/space.ts";
import { MedianPruner } from "../strategy/prune.ts";
import { missingEnvNote, trialEnv } from "./env.ts";
import { LineSplitter } from "./lines.ts";
import { LineMetrics, matchDefinitions, parseMetricsFile, resolveMetrics } from "./metrics.ts";
import { outputNames, pipeHolders } from "./pipe-holders.ts";
import { TailBuffer } from "./tail.ts";

export interface TrialSpec {
  study: string;
  trialId: number;
  attempt: number;
  params: Params;
  /** The argv template (already split). */
  argv: readonly string[];
  cwd: string;
  /** Where the trial's files go: params.json, metrics.json, log.txt, and anything it writes itself. */
  outputDir: string;
  config: Pick<Config, "objective" | "metrics" | "env" | "timeout">;
  /** Stops the trial without recording it (Ctrl-C): it will run again on resume. */
  signal?: AbortSignal;
  onIntermediate?: (value: Intermediate) => void;
  /** With repeats or folds: which member this run is, its repeat (TUNE_SEED) and fold (TUNE_FOLD of TUNE_FOLDS). */
  member?: { index: number; seed: number; fold: number; folds: number };
  /**
   * The local runner's slot: TUNE_SLOT (0 when absent: a GitHub trial job runs
   * alone), and with `devices:` the one GPU it may use, which replaces any
   * CUDA_VISIBLE_DEVICES of ours or of the config's `env:`.
   */
  slot?: { index: number; device?: string };
  /** TUNE_CHECKPOINT_DIR: where the trial keeps its checkpoint; a promoted trial finds its parent's there. */
  checkpointDir?: string;
  /** early_stopping: stop the trial once its best value so far is worse than the median of earlier trials. */
  prune?: PruneRule;
  /** Seconds between SIGTERM and SIGKILL for the process group. */
  killGraceS?: number;
  /** Seconds to wait, once the command has exited, for its output pipes to close. */
  pipeGraceS?: number;
  /** The command started as process `pid`, which leads its process group until the trial ends. */
  onStart?: (pid: number) => void;
  /** Steps the recorded curve keeps however long it is (hyperband's rung boundaries). */
  rungSteps?: ReadonlySet<number>;
}

export type TrialOutcome = { kind: "finished"; attempt: Attempt } | { kind: "interrupted" };

/** The machine a run ran on, as the result records it: the runner's name in CI, else the host's. */
export function runnerName(): string {
  return process.env.RUNNER_NAME ?? hostname();
}

/** Output kept in memory for metric regexes; older output is in the log file. */
const REGEX_WINDOW = 1 << 20;

export async function runTrial(spec: TrialSpec): Promise<TrialOutcome> {
  const outputDir = resolve(spec.outputDir);
  mkdirSync(outputDir, { recursive: true });
  const metricsPath = metricsFileIn(outputDir, spec.config.metrics.file);
  const paramsPath = join(outputDir, "params.json");
  // A retry must not read the metrics an earlier attempt left behind.
  rmSync(metricsPath, { force: true });
  writeFileSync(paramsPath, `${JSON.stringify(spec.params, null, 2)}\n`);

  const member = spec.member ?? { index: 0, seed: 0, fold: 0, folds: 1 };
  const argv = expandArgv(spec.argv, spec.params, {
    trial_id: String(spec.trialId),
    output_dir: outputDir,
    seed: String(member.seed),
    fold: String(member.fold),
    folds: String(member.folds),
  });
  // Never a copy of ours: on a pull request the command is untrusted code (see env.ts).
  const { env, missing } = trialEnv(process.env, spec.config.env);
  for (const [k, v] of Object.entries(spec.params)) env[paramEnvName(k)] = String(v);
  Object.assign(env, {
    TUNE_STUDY: spec.study,
    TUNE_TRIAL_ID: String(spec.trialId),
    TUNE_ATTEMPT: String(spec.attempt),
    TUNE_PARAMS_FILE: paramsPath,
    TUNE_METRICS_FILE: metricsPath,
    TUNE_OUTPUT_DIR: outputDir,
    TUNE_SEED: String(member.seed),
  });
  env.TUNE_SLOT = String(spec.slot?.index ?? 0);
  if (spec.slot?.device !== undefined)
    Object.assign(env, { CUDA_VISIBLE_DEVICES: spec.slot.device, TUNE_DEVICE: spec.slot.device });
  if (member.folds > 1) Object.assign(env, { TUNE_FOLD: String(member.fold), TUNE_FOLDS: String(member.folds) });
  if (spec.checkpointDir) {
    mkdirSync(spec.checkpointDir, { recursive: true });
    env.TUNE_CHECKPOINT_DIR = resolve(spec.checkpointDir);
  }
  const pruner = spec.prune ? new MedianPruner(spec.prune, spec.config.objective) : undefined;
  let pruned: { reason: string; value: number } | undefined;

  const started = performance.now();
  const log = createWriteStream(join(outputDir, "log.txt"));
  // The trial's own log says which variables it asked for and did not get.
  const note = missingEnvNote(missing);
  if (note) log.write(`matrix-tune: ${note}\n`);
  const tail = new TailBuffer(40, 4000);
  const stdout = new TailBuffer(Number.POSITIVE_INFINITY, REGEX_WINDOW);
  const stderr = new TailBuffer(Number.POSITIVE_INFINITY, REGEX_WINDOW);
  const lines = new LineMetrics({ objective: spec.config.objective, pinned: spec.rungSteps });

  const base = {
    trialId: spec.trialId,
    attempt: spec.attempt,
    runner: runnerName(),
    ...(spec.member ? { member: spec.member.index } : {}),
  };

  const result = await new Promise<
    | { kind: "spawn-error"; message: string }
    | { kind: "exit"; code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; aborted: boolean }
  >((done) => {
    const [file, ...args] = argv;
    if (!file) {
      done({ kind: "spawn-error", message: "the command is empty after filling in the parameters" });
      return;
    }
    if (!existsSync(spec.cwd)) {
      done({ kind: "spawn-error", message: `the working directory ${spec.cwd} does not exist (workdir)` });
      return;
    }
    const child = spawn(file, args, { cwd: spec.cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    // Named now, while the command surely holds them, to find who else does later.
    const pipes = child.pid ? outputNames(child.pid) : new Set<string>();
    if (child.pid) spec.onStart?.(child.pid);
    let timedOut = false;
    let aborted = false;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };
    let exited = false;
    let forceKill: NodeJS.Timeout | undefined;
    let pipeGrace: NodeJS.Timeout | undefined;
    let released = false;
    /**
     * The command has exited, but something that left its process group still
     * holds its output: end what can be found of it (Linux), then stop reading,
     * so that the trial finishes however long that process lives.
     */
    const releasePipes = () => {
      if (released) return;
      released = true;
      const holders = pipeHolders(pipes);
      for (const pid of holders) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Gone meanwhile.
        }
      }
      log.write(
        `\n[matrix-tune] the command exited, but ${holders.length ? `process ${holders.join(", ")}, which left its process group, still held its output: killed` : "a process that left its process group still held its output: stopped reading it (it may still be running)"}\n`,
      );
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    let stopping = false;
    const stop = () => {
      stopping = true;
      if (exited) {
        releasePipes();
        return;
      }
      killGroup("SIGTERM");
      forceKill ??= setTimeout(() => killGroup("SIGKILL"), (spec.killGraceS ?? 5) * 1000);
    };
    // The timeout covers the whole trial, pipes held after the command exited included.
    const timer =
      spec.config.timeout !== undefined
        ? setTimeout(() => {
            timedOut = !exited;
            stop();
          }, spec.config.timeout * 1000)
        : undefined;
    const onAbort = () => {
      aborted = true;
      stop();
    };
    if (spec.signal?.aborted) onAbort();
    spec.signal?.addEventListener("abort", onAbort);

    const onStep = (step: Intermediate) => {
      spec.onIntermediate?.(step);
      // Lines read after the process ended (output buffered until exit) come too
      // late to save anything: the trial finished, and its result is what counts.
      if (!pruner || pruned || exited) return;
      const verdict = pruner.observe(step.step, step.values);
      if (!verdict.prune) return;
      pruned = verdict;
      stop();
    };
    const pipe = (stream: NodeJS.ReadableStream, into: TailBuffer, parseLines: boolean) => {
      const splitter = new LineSplitter();
      const read = (complete: string[]) => {
        for (const line of complete) {
          const step = lines.add(line);
          if (step) onStep(step);
        }
      };
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        log.write(chunk);
        tail.push(chunk);
        into.push(chunk);
        if (parseLines) read(splitter.push(chunk));
      });
      stream.on("end", () => {
        if (parseLines) read(splitter.end());
      });
    };
    pipe(child.stdout!, stdout, spec.config.metrics.lines);
    pipe(child.stderr!, stderr, false);
    child.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      clearTimeout(pipeGrace);
      spec.signal?.removeEventListener("abort", onAbort);
      const message =
        err.code === "ENOENT"
          ? `cannot start "${file}": no such program (looked in PATH and ${spec.cwd})`
          : `cannot start "${file}": ${err.message}`;
      done({ kind: "spawn-error", message });
    });
    // Grandchildren that inherited the pipes would hold back "close" until they
    // exit: once the leader is gone, end the group, and give whatever left the
    // group a short grace to close the pipes.
    child.on("exit", () => {
      exited = true;
      killGroup("SIGKILL");
      // A trial being stopped (timeout, Ctrl-C, pruned) gets no grace: its time is up.
      pipeGrace = setTimeout(releasePipes, stopping ? 0 : (spec.pipeGraceS ?? 2) * 1000);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(forceKill);
      clearTimeout(pipeGrace);
      spec.signal?.removeEventListener("abort", onAbort);
      // Grandchildren may outlive the leader; the trial is over, so end them too.
      killGroup("SIGKILL");
      done({ kind: "exit", code, signal, timedOut, aborted });
    });
  });
  await new Promise<void>((r) => log.end(r));
  const durationMs = Math.round(performance.now() - started);
  const finishedAt = new Date().toISOString();

  if (result.kind === "exit" && result.aborted) return { kind: "interrupted" };
  const common = { ...base, durationMs, finishedAt, logTail: tail.text(), intermediate: lines.steps };
  if (result.kind === "spawn-error")
    return {
      kind: "finished",
      attempt: { status: "failed", reason: result.message, exitCode: null, signal: null, metrics: {}, ...common },
    };

  const resolved = resolveMetrics(spec.config, {
    file: parseMetricsFile(readIfExists(metricsPath)),
    filePath: metricsPath,
    definitions: matchDefinitions(spec.config.metrics.definitions, stdout.text(), stderr.text()),
    lines: lines.last,
    lineTexts: lines.texts,
  });
  const exit = { exitCode: result.code, signal: result.signal, metrics: resolved.metrics, ...common };
  if (pruned) return { kind: "finished", attempt: { status: "pruned", ...pruned, ...exit } };
  if (result.timedOut)
    return {
      kind: "finished",
      attempt: { status: "failed", reason: `timed out after ${spec.config.timeout}s (timeout)`, ...exit },
    };
  if (result.code !== 0)
    return {
      kind: "finished",
      attempt: {
        status: "failed",
        reason: result.signal
          ? `killed by ${result.signal}`
          : `exited with code ${result.code}${lastLine(stderr.text())}`,
        ...exit,
      },
    };
  if (!resolved.ok) return { kind: "finished", attempt: { status: "failed", reason: resolved.reason, ...exit } };
  return { kind: "finished", attempt: { status: "succeeded", value: resolved.value, ...exit } };
}

/**
 * metrics.file inside the output directory. The config refuses anything else;
 * this checks again because the file is deleted before the trial and read after.
 */
function metricsFileIn(outputDir: string, file = "metrics.json"): string {
  const path = resolve(outputDir, file);
  const rel = relative(outputDir, path);
  if (isAbsolute(file) || rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw new Error(`metrics.file "${file}" is not inside the trial's output directory ${outputDir}`);
  return path;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The last informative stderr line (Node ends its traces with stack frames and a version line). */
function lastLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^Node\.js v\d/.test(l) && !/^at .+:\d+:\d+\)?$/.test(l));
  // Usage text or a traceback often follows the line that says what went wrong.
  const line = lines.findLast((l) => /error|invalid|exception|fail|not found|denied|killed/i.test(l)) ?? lines.at(-1);
  return line ? `: ${line.slice(0, 300)}` : "";
}

/**
 * The local shell: runs a whole study on this machine, each round's runs as
 * child processes, at most `parallel` at once and each on its own slot (and
 * GPU, with `devices:`), saving the state and best.json after every run so that
 * Ctrl-C, a crash or a reboot loses nothing that finished.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Config } from "../config/schema.ts";
import { jobsFor, type RunRef, runKey } from "../engine/jobs.ts";
import { planRound } from "../engine/plan.ts";
import { bestJson } from "../report/json.ts";
import { curveKeep } from "../study/curve.ts";
import type { Study } from "../study/schema.ts";
import { readStudyFor, StateError, writeAtomically, writeStudy } from "../study/store.ts";
import { createStudy, markRunning, recordAttempt } from "../study/study.ts";
import { missingEnvNote, trialEnv } from "../trial/env.ts";
import { trialRequest } from "../trial/request.ts";
import { runTrial, type TrialOutcome } from "../trial/run.ts";
import { acquireLock, LOCK_FILE } from "./lock.ts";
import type { Progress } from "./progress.ts";
import { processesAtOnce, Slots } from "./slots.ts";

export interface StudyPaths {
  dir: string;
  state: string;
  /** The best trial so far, for scripts (see report/json.ts). */
  best: string;
  report: string;
  /** A run's own directory: params.json, log.txt, metrics.json and its checkpoint/. */
  runDir(ref: RunRef): string;
}

export function studyPaths(configFile: string, config: Config, stateDir?: string): StudyPaths {
  const dir = resolve(stateDir ?? join(dirname(configFile), ".matrix-tune", config.name));
  return {
    dir,
    state: join(dir, "state.json"),
    best: join(dir, "best.json"),
    report: join(dir, "report.md"),
    runDir: (ref) => join(dir, "trials", runKey(ref)),
  };
}

export interface LocalRunOptions {
  configFile: string;
  config: Config;
  paths: StudyPaths;
  /** Continue the study saved at paths.state (required when one exists). */
  resume: boolean;
  /** Move an existing study aside and start a new one. */
  fresh: boolean;
  progress: Progress;
  /** Stop the trials and save what finished (the first Ctrl-C, SIGTERM, SIGHUP). */
  signal: AbortSignal;
  /** Kill the running trials' process groups at once: the CLI is about to exit (a second signal). */
  kill?: AbortSignal;
}

export interface LocalRunResult {
  study: Study;
  interrupted: boolean;
}

/**
 * The run's TUNE_CHECKPOINT_DIR. A run that continues another (a retry, or a
 * promotion to a larger resource) starts from a copy of that run's checkpoint,
 * so the original stays as it was.
 */
function prepareCheckpoint(outputDir: string, from: string | undefined): string {
  const dir = join(outputDir, "checkpoint");
  // This very run was interrupted before: carry on from where it got to.
  if (existsSync(dir)) return dir;
  const source = from && join(from, "checkpoint");
  if (source && existsSync(source)) {
    // Copied beside it and renamed into place: a copy cut short (a crash, a kill
    // mid-way through a large checkpoint) must not pass for this run's own next time.
    const partial = `${dir}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(source, partial, { recursive: true });
    renameSync(partial, dir);
  } else mkdirSync(dir, { recursive: true });
  return dir;
}

export function openStudy(opts: Pick<LocalRunOptions, "config" | "paths" | "resume" | "fresh">): Study {
  const { config, paths } = opts;
  if (!existsSync(paths.state)) return createStudy(config);
  if (opts.fresh) {
    // Everything but the lock this run holds moves aside.
    const aside = `${paths.dir}.${new Date().toISOString().replace(/[:.]/g, "-")}`;
    mkdirSync(aside);
    for (const name of readdirSync(paths.dir))
      if (name !== LOCK_FILE) renameSync(join(paths.dir, name), join(aside, name));
    return createStudy(config);
  }
  if (!opts.resume)
    throw new StateError(
      `a study is already saved at ${paths.state}: pass --resume to continue it (or extend it with --max-trials), or --fresh to move it aside and start over`,
    );
  return readStudyFor(
    paths.state,
    config,
    "Use --fresh to start over (the old study is kept beside it), or change the study name",
  );
}

export async function runLocalStudy(opts: LocalRunOptions): Promise<LocalRunResult> {
  const lock = acquireLock(opts.paths.dir, opts.progress.message);
  const kill = () => lock.killTrials();
  opts.kill?.addEventListener("abort", kill);
  try {
    return await runRounds(opts, (run, pid) => lock.trial(run, pid));
  } finally {
    opts.kill?.removeEventListener("abort", kill);
    lock.release();
  }
}

async function runRounds(
  opts: LocalRunOptions,
  running: (run: string, pid: number | undefined) => void,
): Promise<LocalRunResult> {
  const { config, paths, progress, signal } = opts;
  let study = openStudy(opts);
  const save = () => {
    writeStudy(paths.state, study);
    writeAtomically(paths.best, `${JSON.stringify(bestJson(study), null, 2)}\n`, "best.json");
  };
  // Said once here; each trial's log.txt says it too.
  const note = missingEnvNote(trialEnv(process.env, config.env).missing);
  if (note) progress.message(note);
  // A result that cannot be saved (full disk) stops the other trials: theirs could not be saved either.
  const unsaved = new AbortController();
  const stopTrials = AbortSignal.any([signal, unsaved.signal]);

  while (!signal.aborted) {
    const plan = planRound(config, study);
    study = plan.study;
    save();
    if (plan.kind === "done") return { study, interrupted: false };

    const ids = [...new Set(plan.runs.map((r) => r.trialId))];
    study = markRunning(study, ids);
    save();
    progress.roundStarted(study, plan.round, ids, plan.resumed);
    if (plan.note) progress.message(plan.note);
    const jobs = jobsFor(config, study, plan.runs);
    // One slot per process, whether a run is a trial or one of its repeats × folds.
    const slots = new Slots(processesAtOnce(config), config.devices);
    const settled = await Promise.allSettled(
      jobs.map((job) =>
        slots.with(async (slot): Promise<TrialOutcome> => {
          // Stopped while this run waited for a slot: it runs again on resume.
          if (stopTrials.aborted) return { kind: "interrupted" };
          const ref = { trial: job.trialId, attempt: job.attempt, member: job.member?.index };
          const outputDir = paths.runDir(ref);
          const run = runKey(ref);
          const outcome = await runTrial({
            ...trialRequest(config, job, {
              configFile: opts.configFile,
              outputDir,
              checkpointDir: prepareCheckpoint(outputDir, job.resume && paths.runDir(job.resume)),
            }),
            signal: stopTrials,
            onIntermediate: (v) => progress.intermediate(job.trialId, v),
            onStart: (pid) => {
              running(run, pid);
              progress.runStarted(job.trialId);
            },
            rungSteps: curveKeep(study).pinned,
            slot,
          }).finally(() => running(run, undefined));
          if (outcome.kind === "finished") {
            // Each result is saved the moment it exists, not at the end of the round.
            study = recordAttempt(study, outcome.attempt);
            try {
              save();
            } catch (err) {
              unsaved.abort();
              throw err;
            }
            progress.trialFinished(study, outcome.attempt);
          }
          return outcome;
        }),
      ),
    );
    // Every trial has ended before an error is reported, so none outlives the run.
    const failure = settled.find((r) => r.status === "rejected");
    if (failure) throw failure.reason;
    if (settled.some((r) => r.status === "fulfilled" && r.value.kind === "interrupted")) break;
  }
  return { study, interrupted: true };
}

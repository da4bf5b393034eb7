/**
 * The local shell: runs a whole study on this machine, each round's trials as
 * parallel child processes, saving the state after every trial so that Ctrl-C,
 * a crash or a reboot loses nothing that finished.
 */
import { existsSync, renameSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Config } from "../config/schema.ts";
import { planRound } from "../engine/plan.ts";
import type { Study } from "../study/schema.ts";
import { readStudyFor, StateError, writeStudy } from "../study/store.ts";
import { createStudy, markRunning, recordAttempt } from "../study/study.ts";
import { splitCommand } from "../trial/command.ts";
import { runTrial } from "../trial/run.ts";
import type { Progress } from "./progress.ts";

export interface StudyPaths {
  dir: string;
  state: string;
  report: string;
  trialDir(trialId: number, attempt: number): string;
}

export function studyPaths(configFile: string, config: Config, stateDir?: string): StudyPaths {
  const dir = resolve(stateDir ?? join(dirname(configFile), ".matrix-tune", config.name));
  return {
    dir,
    state: join(dir, "state.json"),
    report: join(dir, "report.md"),
    trialDir: (id, attempt) => join(dir, "trials", `${id}-${attempt}`),
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
  signal: AbortSignal;
}

export interface LocalRunResult {
  study: Study;
  interrupted: boolean;
}

export function openStudy(opts: Pick<LocalRunOptions, "config" | "paths" | "resume" | "fresh">): Study {
  const { config, paths } = opts;
  if (!existsSync(paths.state)) return createStudy(config);
  if (opts.fresh) {
    const aside = `${paths.dir}.${new Date().toISOString().replace(/[:.]/g, "-")}`;
    renameSync(paths.dir, aside);
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
  const { config, paths, progress, signal } = opts;
  let study = openStudy(opts);
  const argv = splitCommand(config.command);
  const cwd = resolve(dirname(opts.configFile), config.workdir ?? ".");
  const save = () => writeStudy(paths.state, study);

  while (!signal.aborted) {
    const plan = planRound(config, study);
    study = plan.study;
    save();
    if (plan.kind === "done") return { study, interrupted: false };

    const ids = plan.runs.map((r) => r.trialId);
    study = markRunning(study, ids);
    save();
    progress.roundStarted(study, plan.round, ids, plan.resumed);
    if (plan.note) progress.message(plan.note);
    const outcomes = await Promise.all(
      plan.runs.map(async (run) => {
        const trial = study.trials[run.trialId]!;
        const outcome = await runTrial({
          study: config.name,
          trialId: run.trialId,
          attempt: run.attempt,
          params: trial.params,
          argv,
          cwd,
          outputDir: paths.trialDir(run.trialId, run.attempt),
          config,
          signal,
          onIntermediate: (v) => progress.intermediate(run.trialId, v),
        });
        if (outcome.kind === "finished") {
          // Each result is saved the moment it exists, not at the end of the round.
          study = recordAttempt(study, outcome.attempt);
          save();
          progress.trialFinished(study, outcome.attempt);
        }
        return outcome;
      }),
    );
    if (outcomes.some((o) => o.kind === "interrupted")) break;
  }
  return { study, interrupted: true };
}

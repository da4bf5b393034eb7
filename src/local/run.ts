/**
 * The local shell: runs a whole study on this machine through the round
 * driver and the local backend, saving the state and best.json after every
 * result so that Ctrl-C, a crash or a reboot loses nothing that finished.
 */
import { existsSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import { driveStudy } from "../driver/drive.ts";
import { bestJson } from "../report/json.ts";
import type { Study } from "../study/schema.ts";
import { readStudyFor, StateError, writeAtomically, writeStudy } from "../study/store.ts";
import { createStudy } from "../study/study.ts";
import type { WarmStart } from "../study/warm-start.ts";
import { missingEnvNote, trialEnv } from "../trial/env.ts";
import { localBackend } from "./backend.ts";
import { acquireLock, LOCK_FILE } from "./lock.ts";
import type { StudyPaths } from "./paths.ts";
import type { Progress } from "./progress.ts";

export interface LocalRunOptions {
  configFile: string;
  config: Config;
  paths: StudyPaths;
  /** Continue the study saved at paths.state (required when one exists). */
  resume: boolean;
  /** Move an existing study aside and start a new one. */
  fresh: boolean;
  /** What a new study starts from (`run --warm-start`); refused for a study that has started. */
  warmStart?: WarmStart | undefined;
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

export function openStudy(opts: Pick<LocalRunOptions, "config" | "paths" | "resume" | "fresh" | "warmStart">): Study {
  const { config, paths, warmStart } = opts;
  const fresh = () => createStudy(config, warmStart ? { warmStart } : {});
  if (!existsSync(paths.state)) return fresh();
  if (opts.fresh) {
    // Everything but the lock this run holds moves aside.
    const aside = `${paths.dir}.${new Date().toISOString().replace(/[:.]/g, "-")}`;
    mkdirSync(aside);
    for (const name of readdirSync(paths.dir))
      if (name !== LOCK_FILE) renameSync(join(paths.dir, name), join(aside, name));
    return fresh();
  }
  if (!opts.resume)
    throw new StateError(
      `a study is already saved at ${paths.state}: pass --resume to continue it (or extend it with --max-trials), or --fresh to move it aside and start over`,
    );
  if (warmStart)
    throw new StateError(
      `${paths.state} holds a study that has started: a warm start applies to a new one. Leave out --warm-start to resume it, or pass --fresh to start over from the other study`,
    );
  return readStudyFor(
    paths.state,
    config,
    "Use --fresh to start over (the old study is kept beside it), or change the study name",
  );
}

export async function runLocalStudy(opts: LocalRunOptions): Promise<LocalRunResult> {
  const { config, paths, progress } = opts;
  const lock = acquireLock(paths.dir, progress.message);
  const kill = () => lock.killTrials();
  opts.kill?.addEventListener("abort", kill);
  try {
    const study = openStudy(opts);
    // Said once here; each trial's log.txt says it too.
    const note = missingEnvNote(trialEnv(process.env, config.env).missing);
    if (note) progress.message(note);
    const backend = localBackend({ ...opts, running: (run, pid) => lock.trial(run, pid) });
    return await driveStudy(config, study, backend, {
      signal: opts.signal,
      now: Date.now,
      saved(s) {
        writeStudy(paths.state, s);
        writeAtomically(paths.best, `${JSON.stringify(bestJson(s), null, 2)}\n`, "best.json");
      },
      roundStarted(round) {
        progress.roundStarted(round.study, round.round, [...new Set(round.runs.map((r) => r.trialId))], round.resumed);
        if (round.note) progress.message(round.note);
      },
      attemptRecorded: (s, attempt) => progress.trialFinished(s, attempt),
    });
  } finally {
    opts.kill?.removeEventListener("abort", kill);
    lock.release();
  }
}

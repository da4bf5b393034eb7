/**
 * The TUNE_* contract: what a trial's command is given. From a request, the
 * argv with the parameters filled in, the environment (env.ts's allowed part,
 * the config's `env:`, the parameters, TUNE_*, the slot's GPU) and the files
 * it reads or writes (params.json, the metrics file, log.txt, the checkpoint
 * directory). planLaunch decides; prepareLaunch also sets up the files. A
 * cluster launcher hands the same description to its own supervisor.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { expandArgv } from "../config/command.ts";
import { paramEnvName } from "../config/schema.ts";
import { missingEnvNote, trialEnv } from "./env.ts";
import type { TrialRequest } from "./request.ts";

/** How to start a trial's command, and where its files are; every path absolute. */
export interface Launch {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  outputDir: string;
  paramsFile: string;
  metricsFile: string;
  logFile: string;
  checkpointDir?: string;
  /** For the top of the trial's log: the `env:` variables it asked for and does not get. */
  note?: string;
}

export function planLaunch(request: TrialRequest, parentEnv: NodeJS.ProcessEnv): Launch {
  const outputDir = resolve(request.outputDir);
  const paramsFile = join(outputDir, "params.json");
  const metricsFile = metricsFileIn(outputDir, request.config.metrics.file);
  const member = request.member ?? { index: 0, seed: 0, fold: 0, folds: 1 };
  const argv = expandArgv(request.argv, request.params, {
    trial_id: String(request.trialId),
    output_dir: outputDir,
    seed: String(member.seed),
    fold: String(member.fold),
    folds: String(member.folds),
  });
  // Never a copy of ours: on a pull request the command is untrusted code (see env.ts).
  const { env, missing } = trialEnv(parentEnv, request.config.env);
  for (const [k, v] of Object.entries(request.params)) env[paramEnvName(k)] = String(v);
  Object.assign(env, {
    TUNE_STUDY: request.study,
    TUNE_TRIAL_ID: String(request.trialId),
    TUNE_ATTEMPT: String(request.attempt),
    TUNE_PARAMS_FILE: paramsFile,
    TUNE_METRICS_FILE: metricsFile,
    TUNE_OUTPUT_DIR: outputDir,
    TUNE_SEED: String(member.seed),
  });
  env.TUNE_SLOT = String(request.slot?.index ?? 0);
  if (request.slot?.device !== undefined)
    Object.assign(env, { CUDA_VISIBLE_DEVICES: request.slot.device, TUNE_DEVICE: request.slot.device });
  if (member.folds > 1) Object.assign(env, { TUNE_FOLD: String(member.fold), TUNE_FOLDS: String(member.folds) });
  const checkpointDir = request.checkpointDir ? resolve(request.checkpointDir) : undefined;
  if (checkpointDir) env.TUNE_CHECKPOINT_DIR = checkpointDir;
  const note = missingEnvNote(missing);
  return {
    argv,
    cwd: request.cwd,
    env,
    outputDir,
    paramsFile,
    metricsFile,
    logFile: join(outputDir, "log.txt"),
    ...(checkpointDir ? { checkpointDir } : {}),
    ...(note ? { note } : {}),
  };
}

/** The launch for this process's environment, with its directories made and params.json written. */
export function prepareLaunch(request: TrialRequest): Launch {
  const launch = planLaunch(request, process.env);
  mkdirSync(launch.outputDir, { recursive: true });
  // A retry must not read the metrics an earlier attempt left behind.
  rmSync(launch.metricsFile, { force: true });
  writeFileSync(launch.paramsFile, `${JSON.stringify(request.params, null, 2)}\n`);
  if (launch.checkpointDir) mkdirSync(launch.checkpointDir, { recursive: true });
  return launch;
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

/**
 * One trial job of the GitHub matrix, in two halves that run in different
 * processes. The Action's `prepare` step checks the payload against the config
 * and writes a trial spec; a plain `run:` step then runs `matrix-tune trial
 * --spec FILE`, so that the user's command is no descendant of a JavaScript
 * action process, whose environment (readable in /proc by the same user)
 * holds the step's token and the runner's credentials. Both halves load and
 * check with the same functions here, and log through a plain function so the
 * CLI needs nothing of @actions/core.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { loadConfig } from "../config/load.ts";
import { overridesSchema } from "../config/overrides.ts";
import type { Config } from "../config/schema.ts";
import { settledConfig } from "../config/trusted.ts";
import { runLabel } from "../github/job-names.ts";
import { type MatrixEntry, PAYLOAD_VERSION, type TrialPayload, trialPayloadSchema } from "../protocol/payload.ts";
import { runKey } from "../protocol/run.ts";
import type { Attempt } from "../protocol/trial.ts";
import { missingEnvNote, trialEnv } from "./env.ts";
import { checkPayload, PayloadError, payloadRun } from "./payload.ts";
import { trialRequest } from "./request.ts";
import { writeResultFile } from "./result-file.ts";
import { runTrial } from "./run.ts";

export const SPEC_VERSION = 2;

/** One run of the job, with its own directories. */
const specRunSchema = z.strictObject({
  payload: trialPayloadSchema,
  /** The run's TUNE_OUTPUT_DIR: params.json, metrics.json, log.txt. */
  outputDir: z.string().min(1),
  /** Its TUNE_CHECKPOINT_DIR, which the job uploads (with its runs' others) as its checkpoint artifact. */
  checkpointDir: z.string().min(1),
});
export type TrialJobRun = z.infer<typeof specRunSchema>;

/** Everything `matrix-tune trial --spec` needs; every path absolute. */
export const trialSpecSchema = z.strictObject({
  v: z.literal(SPEC_VERSION),
  /** The job's runs, run in this order (several with `trials_per_job`). */
  runs: z.array(specRunSchema).min(1),
  /** The config file, after an `overrides.config` moved it. */
  config: z.string().min(1),
  overrides: overridesSchema,
  resultsDir: z.string().min(1),
  /** This workflow run, recorded with the result: where later rounds find this run's checkpoint. */
  runId: z.int().positive().optional(),
  /** For a fork's study: the default branch's config, which decides env, timeout and the other trusted settings. */
  trusted: z.string().min(1).optional(),
});
export type TrialJobSpec = z.infer<typeof trialSpecSchema>;

export type Log = (line: string) => void;

/** The job's working directory under the runner's temp directory: its spec and its runs' output. */
export function trialTempDir(tempRoot: string, entry: MatrixEntry): string {
  const id = entry.v === PAYLOAD_VERSION ? runKey(payloadRun(entry)) : entry.id;
  return join(tempRoot, "matrix-tune", `trial-${id}`);
}

/**
 * Where the workflow downloads the checkpoint artifact of a job that ran the
 * continued run packed with others (tune.yml names the same folder): beside
 * the checkpoint directory, never inside what the job uploads.
 */
export function packedCheckpointsDir(checkpointDir: string): string {
  return `${checkpointDir}-packed`;
}

export function writeTrialSpec(path: string, spec: TrialJobSpec): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(spec, null, 2)}\n`);
}

export function readTrialSpec(path: string): TrialJobSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new PayloadError(
      `cannot read the trial spec ${path} (${(err as Error).message}); the Action's prepare step writes it`,
    );
  }
  const parsed = trialSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new PayloadError(
      `${path} is not a matrix-tune trial spec (${i.path.join(".") || "top"}: ${i.message}); the Action's prepare step writes it`,
    );
  }
  return parsed.data;
}

export type TrialJobOutcome =
  | { kind: "finished"; attempt: Attempt; resultFile: string }
  | { kind: "interrupted" }
  /** A run of several that could not start (its result is missing, and collect says so). */
  | { kind: "not-run"; reason: string };

/**
 * Runs the spec's runs one after another, each with its own timeout, output
 * and checkpoint directories, and its result file written the moment it ends:
 * a run that fails, times out, is pruned or cannot start does not stop the
 * next one. Only a cancelled job stops the rest (they run again when the study
 * resumes). The caller decides what the outcomes mean for its exit status.
 */
export async function runTrialJobs(spec: TrialJobSpec, log: Log, signal: AbortSignal): Promise<TrialJobOutcome[]> {
  const outcomes: TrialJobOutcome[] = [];
  for (const run of spec.runs) {
    if (signal.aborted) break;
    const outcome = await runTrialJob(spec, run, log, signal).catch((err: Error) => {
      // One run's bad payload is that run's failure: the others still run, and the job fails at the end.
      if (spec.runs.length === 1) throw err;
      log(`${runLabel(payloadRun(run.payload))}: not run: ${err.message}`);
      return { kind: "not-run", reason: err.message } as const;
    });
    outcomes.push(outcome);
    if (outcome.kind === "interrupted") break;
  }
  return outcomes;
}

/** Runs one of the spec's runs with the shared runner and writes its result file, also for a failed trial. */
async function runTrialJob(
  spec: TrialJobSpec,
  run: TrialJobRun,
  log: Log,
  signal: AbortSignal,
): Promise<TrialJobOutcome> {
  const { payload } = run;
  // Checked again, as prepare did: the spec is a file, and the config may have changed since.
  const loaded = loadConfig(spec.config);
  const trusted = spec.trusted ? { config: loadConfig(spec.trusted).config, source: spec.trusted } : undefined;
  const config = settledConfig(loaded.config, spec.overrides, trusted);
  checkPayload(config, payload);
  const m = payload.member;
  const label = runLabel(payloadRun(payload));
  log(
    `${label} of ${config.name}${m ? ` (seed ${m.seed}, fold ${m.fold} of ${m.folds})` : ""}: ${JSON.stringify(payload.params)}`,
  );
  const note = missingEnvNote(trialEnv(process.env, config.env).missing);
  if (note) log(note);
  if (payload.resume) log(resumeLine(payload.resume, run.checkpointDir));
  if (payload.prune)
    log(
      `early stopping: stops when its best ${config.objective[0].metric} is worse than the median of earlier trials (${payload.prune.median.length} steps known, none before step ${payload.prune.after})`,
    );
  const outcome = await runTrial({
    ...trialRequest(
      config,
      { ...payload, trialId: payload.trial },
      { configFile: loaded.file, outputDir: run.outputDir, checkpointDir: run.checkpointDir },
    ),
    signal,
    onIntermediate: (v) =>
      log(
        `step ${v.step}: ${Object.entries(v.values)
          .map(([k, x]) => `${k}=${x}`)
          .join(" ")}`,
      ),
  });
  if (outcome.kind === "interrupted") return outcome;
  const attempt = { ...outcome.attempt, ...(spec.runId !== undefined ? { runId: spec.runId } : {}) };
  const resultFile = writeResultFile(spec.resultsDir, config.name, attempt);
  log(`${label}: ${outcomeLine(config, attempt)}`);
  return { kind: "finished", attempt, resultFile };
}

/** What became of a trial, in one line. */
export function outcomeLine(config: Pick<Config, "objective"> | undefined, attempt: Attempt): string {
  if (attempt.status === "succeeded") return `${config?.objective[0].metric ?? "value"} = ${attempt.value}`;
  // Stopping early is the rule working, not a failure of the job.
  if (attempt.status === "pruned") return `pruned: ${attempt.reason}`;
  return `failed: ${attempt.reason}`;
}

/** Says whose checkpoint the run continues, and whether the workflow found one to download. */
function resumeLine(resume: NonNullable<TrialPayload["resume"]>, dir: string): string {
  const from = `${runLabel({ trialId: resume.trial, attempt: resume.attempt, member: resume.member })}${resume.run !== undefined ? ` (run ${resume.run})` : ""}`;
  const found = existsSync(dir) && readdirSync(dir).length > 0;
  return found
    ? `continues the checkpoint of ${from}`
    : `continues ${from}, but no checkpoint of it was downloaded (the workload may not save one, or the artifact expired): starting from scratch`;
}

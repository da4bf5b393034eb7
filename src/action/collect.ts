/**
 * `command: collect` — the last of a trial job's three steps, after the `run:`
 * step that ran the trial. The trial's code could write anything into the
 * workspace, so what the job uploads is checked here first: the one result
 * file each of this payload's runs may leave (its trial, attempt, member and
 * study, of bounded size, a plain file), nothing else beside them, and no links in the
 * checkpoint directory (an upload would follow them to files of the runner's).
 * Everything the check needs comes from the payload input, not from files the
 * trial could have changed, and what the file says of its own provenance (the
 * workflow run, the runner, the job link) is replaced by what this step knows.
 * The upload steps run only once `checked` is set. Then it reports the trial as `trial` used to: the
 * outputs, the log tail, and a failed step for a failed trial.
 */
import { randomUUID } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as core from "@actions/core";
import { runLabel } from "../github/job-names.ts";
import type { TrialResult } from "../protocol/result.ts";
import { type Run, runKey, sameRun } from "../protocol/run.ts";
import type { Attempt } from "../protocol/trial.ts";
import { outcomeLine } from "../trial/job.ts";
import { entryPayloads, parsePayload, payloadRun } from "../trial/payload.ts";
import { attemptOf, MAX_RESULT_BYTES, parseResult, resultFileName } from "../trial/result-file.ts";
import { runnerName } from "../trial/run.ts";
import { workspacePath } from "./config.ts";

export interface CollectInputs {
  payload: string;
  resultsDir: string;
  checkpointDir: string;
}

export function collect(inputs: CollectInputs): void {
  const payloads = entryPayloads(parsePayload(inputs.payload));
  const runs = payloads.map(payloadRun);
  const dir = workspacePath(inputs.resultsDir);
  // Both directories are cleaned before anything that can fail on what the
  // trials left: the upload steps run after a failed collect too (a failed
  // trial's result and checkpoint are kept), so a check that stopped half-way
  // would let them carry what it never reached.
  removeLinks(workspacePath(inputs.checkpointDir));
  keepOnly(dir, new Set(runs.map(resultFileName)));
  core.setOutput("checked", "true");

  // Each run's file on its own: one missing or refused costs that run alone.
  const problems: string[] = [];
  const attempts: Attempt[] = [];
  for (const [i, run] of runs.entries()) {
    const label = runLabel(run);
    const path = join(dir, resultFileName(run));
    let result: TrialResult;
    try {
      result = withProvenance(ownResult(path, payloads[i]!.study, run, label));
    } catch (err) {
      if (runs.length === 1) throw err;
      problems.push((err as Error).message);
      continue;
    }
    // Written back as parsed: what the upload takes is exactly what was checked.
    writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
    const attempt = attemptOf(result);
    attempts.push(attempt);
    printUntrusted(`${label}: log tail`, attempt.logTail);
    if (attempt.status === "failed") problems.push(`${label} failed: ${attempt.reason} (the result is saved)`);
    else core.info(`${label}: ${outcomeLine(undefined, attempt)}`);
    if (runs.length === 1) {
      core.setOutput("result-file", path);
      if (attempt.status === "succeeded") core.setOutput("value", String(attempt.value));
    }
  }
  core.setOutput("status", jobStatus(attempts, problems.length > 0));
  if (runs.length > 1)
    core.setOutput("statuses", JSON.stringify(Object.fromEntries(attempts.map((a) => [runKey(a), a.status]))));
  if (problems.length > 0) core.setFailed(problems.join("\n"));
}

/** One word for the job: failed when any run failed or left no result, else succeeded when any did. */
function jobStatus(attempts: readonly Attempt[], anyProblem: boolean): string {
  if (anyProblem) return "failed";
  return attempts.some((a) => a.status === "succeeded") ? "succeeded" : (attempts[0]?.status ?? "failed");
}

/**
 * Where and by whom the result was made, said by this step rather than by the
 * file: a process the trial left behind could have rewritten the file, and the
 * workflow run decides which artifact a later round's checkpoint comes from,
 * the job link shows in the pull request's comment.
 */
function withProvenance(result: TrialResult): TrialResult {
  const { jobUrl: _, runId: __, ...rest } = result;
  const runId = Number(process.env.GITHUB_RUN_ID);
  return { ...rest, runner: runnerName(), ...(runId > 0 ? { runId } : {}) };
}

/** The run's result file, or an error; a file that fails a check is deleted, so that no upload carries it. */
function ownResult(path: string, study: string, run: Run, label: string): TrialResult {
  if (!existsSync(path))
    throw new Error(
      `${label} left no result file (${path}): the step that runs the trial ended without writing one; see its log`,
    );
  const refuse = (why: string): never => {
    rmSync(path, { recursive: true, force: true });
    throw new Error(`${path} is refused and deleted: ${why}`);
  };
  const stat = lstatSync(path);
  if (!stat.isFile()) refuse("it is not a plain file");
  if (stat.size > MAX_RESULT_BYTES) refuse(`it is ${stat.size} bytes, over the ${MAX_RESULT_BYTES} a result may have`);
  const read = parseResult(readFileSync(path, "utf8"), study);
  if ("problem" in read) return refuse(read.problem);
  const r = read.result;
  if (r.trialId !== run.trialId || !sameRun(r, run))
    refuse(
      `it holds the result of ${runLabel({ trialId: r.trialId, attempt: r.attempt, member: r.member })}, not of ${label}`,
    );
  return r;
}

/**
 * Leaves `dir` a plain directory holding nothing but `keep`, warning by name
 * for everything deleted: only the job's own runs' results may be uploaded.
 */
function keepOnly(dir: string, keep: ReadonlySet<string>): void {
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) {
    rmSync(dir, { force: true });
    core.warning(`removed ${dir}: the results directory was a link or a file, not a directory`);
    return;
  }
  for (const entry of readdirSync(dir)) {
    if (keep.has(entry)) continue;
    rmSync(join(dir, entry), { recursive: true, force: true });
    core.warning(
      `removed ${join(dir, entry)} from the results directory: a trial job uploads only its own ${[...keep].join(", ")}`,
    );
  }
}

/**
 * Deletes links and anything but files and directories under `root`, warning
 * by name. Walked with a list rather than recursion: a trial could nest
 * directories deeper than the stack.
 */
function removeLinks(root: string): void {
  const pending = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    const stat = lstatSync(dir, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) pending.push(...readdirSync(dir).map((entry) => join(dir, entry)));
    else if (!stat.isFile()) {
      rmSync(dir, { force: true });
      core.warning(`removed ${dir} from the checkpoint: a link or special file is not uploaded`);
    }
  }
}

/**
 * Prints the trial's own text with workflow commands off: a line of it such as
 * `::set-output name=status::succeeded` or `::error::…` would otherwise be read
 * as this step's command. The token that turns them on again is new each time,
 * so the text cannot know it.
 */
function printUntrusted(title: string, text: string): void {
  const token = randomUUID();
  core.info(`::stop-commands::${token}`);
  core.info(`${title}:\n${text}`);
  core.info(`::${token}::`);
}

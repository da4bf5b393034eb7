/**
 * `command: collect` — the last of a trial job's three steps, after the `run:`
 * step that ran the trial. The trial's code could write anything into the
 * workspace, so what the job uploads is checked here first: the one result
 * file this payload's run may leave (its trial, attempt, member and study, of
 * bounded size, a plain file), nothing else beside it, and no links in the
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
import { type Run, sameRun } from "../protocol/run.ts";
import { outcomeLine, payloadRun } from "../trial/job.ts";
import { parsePayload } from "../trial/payload.ts";
import { attemptOf, MAX_RESULT_BYTES, parseResult, resultFileName } from "../trial/result-file.ts";
import { runnerName } from "../trial/run.ts";
import { workspacePath } from "./config.ts";

export interface CollectInputs {
  payload: string;
  resultsDir: string;
  checkpointDir: string;
}

export function collect(inputs: CollectInputs): void {
  const payload = parsePayload(inputs.payload);
  const run = payloadRun(payload);
  const label = runLabel(run);
  const dir = workspacePath(inputs.resultsDir);
  const name = resultFileName(run);
  // Both directories are cleaned before anything that can fail on what the
  // trial left: the upload steps run after a failed collect too (a failed
  // trial's result and checkpoint are kept), so a check that stopped half-way
  // would let them carry what it never reached.
  removeLinks(workspacePath(inputs.checkpointDir));
  keepOnly(dir, name);
  core.setOutput("checked", "true");

  const path = join(dir, name);
  const result = withProvenance(ownResult(path, payload.study, run, label));
  // Written back as parsed: what the upload takes is exactly what was checked.
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  const attempt = attemptOf(result);
  core.setOutput("result-file", path);
  core.setOutput("status", attempt.status);
  printUntrusted("log tail", attempt.logTail);
  if (attempt.status === "succeeded") core.setOutput("value", String(attempt.value));
  if (attempt.status === "failed") core.setFailed(`${label} failed: ${attempt.reason} (the result is saved)`);
  else core.info(`${label}: ${outcomeLine(undefined, attempt)}`);
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
 * for everything deleted: only the run's own result may be uploaded.
 */
function keepOnly(dir: string, keep: string): void {
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) {
    rmSync(dir, { force: true });
    core.warning(`removed ${dir}: the results directory was a link or a file, not a directory`);
    return;
  }
  for (const entry of readdirSync(dir)) {
    if (entry === keep) continue;
    rmSync(join(dir, entry), { recursive: true, force: true });
    core.warning(`removed ${join(dir, entry)} from the results directory: a trial job uploads only its own ${keep}`);
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

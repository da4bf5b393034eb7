/**
 * `command: collect` — the last of a trial job's three steps, after the `run:`
 * step that ran the trial. The trial's code could write anything into the
 * workspace, so what the job uploads is checked here first: the one result
 * file this payload's run may leave (its trial, attempt, member and study, of
 * bounded size, a plain file), nothing else beside it, and no links in the
 * checkpoint directory (an upload would follow them to files of the runner's).
 * Everything the check needs comes from the payload input, not from files the
 * trial could have changed. Then it reports the trial as `trial` used to: the
 * outputs, the log tail, and a failed step for a failed trial.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as core from "@actions/core";
import { runLabel } from "../github/job-names.ts";
import type { TrialResult } from "../study/schema.ts";
import { outcomeLine, payloadRef } from "../trial/job.ts";
import { parsePayload } from "../trial/payload.ts";
import { attemptOf, MAX_RESULT_BYTES, parseResult, resultFileName } from "../trial/result-file.ts";
import { workspacePath } from "./config.ts";

export interface CollectInputs {
  payload: string;
  resultsDir: string;
  checkpointDir: string;
}

export function collect(inputs: CollectInputs): void {
  const payload = parsePayload(inputs.payload);
  const ref = payloadRef(payload);
  const label = runLabel({ trialId: ref.trial, attempt: ref.attempt, member: ref.member });
  const dir = workspacePath(inputs.resultsDir);
  const name = resultFileName(ref);
  if (isLink(dir)) {
    rmSync(dir, { force: true });
    throw new Error(`${dir} was a link, now deleted: the results directory must be a directory of the workspace`);
  }
  removeAllBut(dir, name, "results directory");
  removeLinks(workspacePath(inputs.checkpointDir));

  const result = ownResult(join(dir, name), payload.study, ref);
  const path = join(dir, name);
  // Written back as parsed: what the upload takes is exactly what was checked.
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  const attempt = attemptOf(result);
  core.setOutput("result-file", path);
  core.setOutput("status", attempt.status);
  core.info(`log tail:\n${attempt.logTail}`);
  if (attempt.status === "succeeded") core.setOutput("value", String(attempt.value));
  if (attempt.status === "failed") core.setFailed(`${label} failed: ${attempt.reason} (the result is saved)`);
  else core.info(`${label}: ${outcomeLine(undefined, attempt)}`);
}

/** The run's result file, or an error; a file that fails a check is deleted, so that no upload carries it. */
function ownResult(path: string, study: string, ref: ReturnType<typeof payloadRef>): TrialResult {
  const label = runLabel({ trialId: ref.trial, attempt: ref.attempt, member: ref.member });
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
  if (r.trialId !== ref.trial || r.attempt !== ref.attempt || r.member !== ref.member)
    refuse(
      `it holds the result of ${runLabel({ trialId: r.trialId, attempt: r.attempt, member: r.member })}, not of ${label}`,
    );
  return r;
}

/** Deletes every entry of `dir` but `keep`, warning by name: only the run's own result may be uploaded. */
function removeAllBut(dir: string, keep: string, what: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (entry === keep) continue;
    rmSync(join(dir, entry), { recursive: true, force: true });
    core.warning(`removed ${join(dir, entry)} from the ${what}: a trial job uploads only its own ${keep}`);
  }
}

/** Deletes links and anything but files and directories under `dir`, warning by name. */
function removeLinks(dir: string): void {
  if (isLink(dir)) {
    rmSync(dir, { force: true });
    core.warning(`removed ${dir}: the checkpoint directory was a link`);
  }
  if (!existsSync(dir) || !lstatSync(dir).isDirectory()) return;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = lstatSync(path);
    if (stat.isDirectory()) removeLinks(path);
    else if (!stat.isFile()) {
      rmSync(path, { force: true });
      core.warning(`removed ${path} from the checkpoint: a link or special file is not uploaded`);
    }
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

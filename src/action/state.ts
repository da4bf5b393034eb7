/**
 * The study state inside a workflow: read from the directory the previous
 * round's state artifact was downloaded into, results merged, written back for
 * the next upload. The same files and functions as the local shell.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import * as core from "@actions/core";
import type { Config } from "../config/schema.ts";
import { runLabel } from "../github/job-names.ts";
import type { Attempt } from "../protocol/trial.ts";
import { screenResults } from "../study/planned.ts";
import type { Study } from "../study/schema.ts";
import { readStudyFor, writeStudy } from "../study/store.ts";
import { createStudy, recordAttempt } from "../study/study.ts";
import { attemptOf, readResultFiles } from "../trial/result-file.ts";

export const STATE_FILE = "state.json";

export function readOrCreateStudy(dir: string, config: Config): Study {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) {
    core.info(`no study state in ${dir}: starting study ${config.name}`);
    return createStudy(config);
  }
  return readStudyFor(path, config, "Start a new study (change its name) or restore the config");
}

export function saveStudy(dir: string, study: Study): string {
  const path = join(dir, STATE_FILE);
  writeStudy(path, study);
  return path;
}

/**
 * Records the result files under `dir` that fill a run the study planned and
 * has not recorded (see study/planned.ts). Recording is idempotent, so results
 * already in the state change nothing; unreadable, unplanned and conflicting
 * files are reported, each by name, and never fatal.
 */
export function mergeResultFiles(
  study: Study,
  dir: string,
  decorate: (attempt: Attempt) => Attempt = (a) => a,
): { study: Study; merged: number } {
  const { results, problems } = readResultFiles(dir, study.name);
  for (const p of problems) core.warning(p, { title: "matrix-tune: trial result skipped" });
  const { accepted, rejected, conflicts } = screenResults(study, results);
  for (const { found, why } of rejected)
    core.warning(`${found.path}: ${why}; ignored`, { title: "matrix-tune: unplanned result skipped" });
  for (const [a, b] of conflicts)
    core.error(
      `${a.path} and ${b.path} are different results for ${runLabel({ trialId: a.result.trialId, attempt: a.result.attempt, member: a.result.member })}: neither is recorded, and the run counts as one that left no result`,
      { title: "matrix-tune: conflicting results" },
    );
  let s = study;
  for (const { result } of accepted) s = recordAttempt(s, decorate(attemptOf(result)));
  return { study: s, merged: accepted.length };
}

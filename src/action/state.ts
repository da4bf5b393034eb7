/**
 * The study state inside a workflow: read from the directory the previous
 * round's state artifact was downloaded into, results merged, written back for
 * the next upload. The same files and functions as the local shell.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import * as core from "@actions/core";
import type { Config } from "../config/schema.ts";
import type { Attempt, Study } from "../study/schema.ts";
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
 * Records every result file under `dir` that belongs to a trial of the study.
 * Recording is idempotent, so results already in the state change nothing;
 * unreadable files are reported as warnings and skipped, never fatal.
 */
export function mergeResultFiles(
  study: Study,
  dir: string,
  decorate: (attempt: Attempt) => Attempt = (a) => a,
): { study: Study; merged: number } {
  const { results, problems } = readResultFiles(dir, study.name);
  for (const p of problems) core.warning(p, { title: "matrix-tune: trial result skipped" });
  let merged = 0;
  let s = study;
  for (const r of results) {
    if (!s.trials[r.trialId]) {
      core.warning(`result for trial ${r.trialId}, which study ${s.name} does not have; ignored`);
      continue;
    }
    const next = recordAttempt(s, decorate(attemptOf(r)));
    if (next !== s) merged++;
    s = next;
  }
  return { study: s, merged };
}

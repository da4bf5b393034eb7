/**
 * The names of trial runs and their jobs, apart from the REST calls in
 * jobs.ts: the CLI's `trial --spec` logs with them, and should not bundle a
 * GitHub client to do so.
 */
import type { Run } from "../protocol/run.ts";

/**
 * How trial jobs are named (the `name:` of tune.yml's trial job says the same in
 * expressions) and how logs and warnings name a run: `trial <id> (attempt <n>)`,
 * or `trial <id> (attempt <n>, member <m>)` with repeats or folds.
 */
export function runLabel(run: Run): string {
  return `trial ${run.trialId} (attempt ${run.attempt}${run.member !== undefined ? `, member ${run.member}` : ""})`;
}

/** The inverse of runLabel; a reusable workflow prefixes the caller's job name. */
const TRIAL_JOB = /trial (\d+) \(attempt (\d+)(?:, member (\d+))?\)\s*$/;

export function parseTrialJobName(name: string): Run | undefined {
  const m = TRIAL_JOB.exec(name);
  if (!m) return undefined;
  return { trialId: Number(m[1]), attempt: Number(m[2]), ...(m[3] !== undefined ? { member: Number(m[3]) } : {}) };
}

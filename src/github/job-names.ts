/**
 * The names of trial runs and their jobs, apart from the REST calls in
 * jobs.ts: the CLI's `trial --spec` logs with them, and should not bundle a
 * GitHub client to do so.
 */
import type { Run } from "../protocol/run.ts";

/**
 * How trial jobs are named (the `name:` of tune.yml's trial job says the same in
 * expressions) and how logs and warnings name a run: `trial <id> (attempt <n>)`,
 * or `trial <id> (attempt <n>, member <m>)` with repeats or folds. A job of
 * several runs is named for their keys instead: `trials 3-1, 4-1, 5-1`.
 */
export function runLabel(run: Run): string {
  return `trial ${run.trialId} (attempt ${run.attempt}${run.member !== undefined ? `, member ${run.member}` : ""})`;
}

/** The inverse of runLabel; a reusable workflow prefixes the caller's job name. */
const TRIAL_JOB = /trial (\d+) \(attempt (\d+)(?:, member (\d+))?\)\s*$/;

/** A job of several runs (`trials_per_job`): `trials 3-1, 4-1, 5-1-0`, their keys as tune.yml joins them. */
const PACKED_JOB = /trials (\d+-\d+(?:-\d+)?(?:, \d+-\d+(?:-\d+)?)+)\s*$/;

/** The runs a trial job's name says it ran: one, or several packed; undefined for any other job. */
export function parseTrialJobName(name: string): Run[] | undefined {
  const m = TRIAL_JOB.exec(name);
  if (m)
    return [{ trialId: Number(m[1]), attempt: Number(m[2]), ...(m[3] !== undefined ? { member: Number(m[3]) } : {}) }];
  const packed = PACKED_JOB.exec(name);
  if (!packed) return undefined;
  return packed[1]!.split(", ").map((key) => {
    const [trialId, attempt, member] = key.split("-").map(Number);
    return { trialId: trialId!, attempt: attempt!, ...(member !== undefined ? { member } : {}) };
  });
}

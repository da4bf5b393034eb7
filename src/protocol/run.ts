/**
 * A run's identity, the one shape everywhere: which trial, which attempt of it,
 * and with repeats or folds, which member. Its key names the run's directory,
 * artifacts and result file, so it is part of what crosses process boundaries.
 */
export interface Run {
  trialId: number;
  attempt: number;
  member?: number;
}

/** `trial-attempt`, with `-member` when the study has several per configuration. */
export function runKey(run: Run): string {
  return `${run.trialId}-${run.attempt}${run.member !== undefined ? `-${run.member}` : ""}`;
}

/** The same attempt and member (of the same trial, which the caller has matched). */
export function sameRun(a: Pick<Run, "attempt" | "member">, b: Pick<Run, "attempt" | "member">): boolean {
  return a.attempt === b.attempt && (a.member ?? 0) === (b.member ?? 0);
}

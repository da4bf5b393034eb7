/**
 * Which result files a study takes in. A result file is outside input (an
 * artifact anyone with the run's runtime token could upload), so only results
 * for runs the last round planned and has not recorded are taken: a result for
 * an attempt or member that was never planned, or for a trial that does not
 * exist, is refused with the reason. Two different results for the same run
 * are a conflict: neither is taken, and the run counts as one that left none.
 * A result already recorded is a replay (a re-run report job) and changes nothing.
 */

import type { TrialResult } from "../protocol/result.ts";
import { runKey, sameRun } from "../protocol/run.ts";
import type { Study } from "./schema.ts";
import { membersOf, unfinishedRuns } from "./study.ts";

export interface Screened<T> {
  accepted: T[];
  rejected: { found: T; why: string }[];
  conflicts: [T, T][];
}

export function screenResults<T extends { result: TrialResult }>(study: Study, found: readonly T[]): Screened<T> {
  const open = new Set(unfinishedRuns(study).map(runKey));
  const out: Screened<T> = { accepted: [], rejected: [], conflicts: [] };
  const first = new Map<string, T>();
  const conflicted = new Set<string>();
  for (const f of found) {
    const r = f.result;
    if (study.trials[r.trialId]?.attempts.some((a) => sameRun(a, r))) continue;
    const key = runKey(r);
    if (!open.has(key)) {
      out.rejected.push({ found: f, why: whyUnplanned(study, r) });
      continue;
    }
    const seen = first.get(key);
    if (!seen) first.set(key, f);
    else if (JSON.stringify(seen.result) !== JSON.stringify(r)) {
      out.conflicts.push([seen, f]);
      conflicted.add(key);
    }
  }
  for (const [key, f] of first) if (!conflicted.has(key)) out.accepted.push(f);
  return out;
}

function whyUnplanned(study: Study, r: Pick<TrialResult, "trialId" | "attempt" | "member">): string {
  const trial = study.trials[r.trialId];
  if (!trial) return `study ${study.name} has no trial ${r.trialId}`;
  const members = membersOf(study.config);
  if ((r.member ?? 0) >= members)
    return `member ${r.member} of trial ${r.trialId}, but the study runs ${members} per configuration`;
  const round = study.rounds.at(-1)?.index ?? 0;
  return `trial ${r.trialId} attempt ${r.attempt}${r.member !== undefined ? ` member ${r.member}` : ""} is not a run that round ${round} planned and left open`;
}

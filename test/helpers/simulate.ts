/** Whole studies in-process: every round planned by the engine, every run recorded as a success. */
import type { Config } from "../../src/config/schema.ts";
import { planRound } from "../../src/engine/plan.ts";
import type { Trial } from "../../src/protocol/trial.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy, recordAttempt } from "../../src/study/study.ts";
import { runAttempt } from "./attempts.ts";

/** Runs up to `rounds` rounds (all, by default) from `study`, each run succeeding with `value(trial)`. */
export function runStudy(
  config: Config,
  value: (trial: Trial) => number,
  { study = createStudy(config), rounds = Number.POSITIVE_INFINITY }: { study?: Study; rounds?: number } = {},
): Study {
  let s = study;
  for (let r = 0; r < rounds; r++) {
    const plan = planRound(config, s);
    s = plan.study;
    if (plan.kind === "done") break;
    for (const job of plan.runs)
      s = recordAttempt(s, runAttempt(job.trialId, job.attempt, job.member, value(s.trials[job.trialId]!)));
  }
  return s;
}

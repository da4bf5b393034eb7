/**
 * A pull request's study against the base branch's: each side's best trial,
 * as a sample of its objective values — one per repeat and fold that
 * succeeded. With a single run per side the comparison says the difference is
 * unverified rather than calling a winner.
 */
import type { Config } from "../config/schema.ts";
import type { Study } from "../study/schema.ts";
import { bestTrial, trialSamples } from "../study/study.ts";
import { type Comparison, compareSamples } from "./compare.ts";

export interface Side {
  study: Study;
  label: string;
  ref?: string;
}

export function compareStudies(config: Config, candidate: Side, baseline: Side): Comparison | undefined {
  const goal = config.objective.goal;
  const a = bestTrial(candidate.study, goal);
  const b = bestTrial(baseline.study, goal);
  if (!a || !b) return undefined;
  return compareSamples(
    { label: candidate.label, values: trialSamples(a), params: a.params, ref: candidate.ref },
    { label: baseline.label, values: trialSamples(b), params: b.params, ref: baseline.ref },
    { goal, metric: config.objective.metric },
  );
}

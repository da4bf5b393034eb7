/**
 * A pull request's study against the base branch's: each side's best trial,
 * as a sample of its objective values — one per repeat and fold that
 * succeeded. With a single run per side the comparison says the difference is
 * unverified rather than calling a winner.
 */

import type { Config } from "../config/schema.ts";
import type { Trial } from "../protocol/trial.ts";
import { trialSamples } from "../protocol/trial-value.ts";
import { bestTrial } from "../study/best.ts";
import type { Study } from "../study/schema.ts";
import { referenceTrial, searchTrials } from "../study/study.ts";
import { type Comparison, compareSamples } from "./compare.ts";
import { compareFronts, type FrontComparison } from "./fronts.ts";

export interface Side {
  study: Study;
  label: string;
  ref?: string;
}

export function compareStudies(config: Config, candidate: Side, baseline: Side): Comparison | undefined {
  return compareTrials(
    config,
    candidate,
    bestTrial(config, candidate.study),
    baseline,
    bestTrial(config, baseline.study),
  );
}

/**
 * The study's best trial against its reference run: the config's defaults on
 * the base branch's commit, run when the base branch had no study of its own.
 */
export function compareWithReference(config: Config, candidate: Side, baseLabel: string): Comparison | undefined {
  const reference = referenceTrial(candidate.study);
  return compareTrials(
    config,
    candidate,
    bestTrial(config, candidate.study),
    { study: candidate.study, label: `${baseLabel} with the defaults`, ref: reference?.ref },
    reference,
  );
}

function compareTrials(
  config: Config,
  candidate: Side,
  a: Trial | undefined,
  baseline: Side,
  b: Trial | undefined,
): Comparison | undefined {
  const as = a ? trialSamples(a) : [];
  const bs = b ? trialSamples(b) : [];
  if (!a || !b || as.length === 0 || bs.length === 0) return undefined;
  return compareSamples(
    { label: candidate.label, values: as, params: a.params, ref: candidate.ref },
    { label: baseline.label, values: bs, params: b.params, ref: baseline.ref },
    { goal: config.objective[0].goal, metric: config.objective[0].metric },
  );
}

/** With several objectives: the pull request's Pareto front against the base branch's. */
export function compareStudyFronts(config: Config, candidate: Side, baseline: Side): FrontComparison | undefined {
  return compareFronts(
    config,
    frontInput(candidate, searchTrials(candidate.study)),
    frontInput(baseline, searchTrials(baseline.study)),
  );
}

/** With several objectives: the front against the reference run, a front of one point. */
export function compareFrontWithReference(
  config: Config,
  candidate: Side,
  baseLabel: string,
): FrontComparison | undefined {
  const reference = referenceTrial(candidate.study);
  if (!reference) return undefined;
  return compareFronts(
    config,
    frontInput(candidate, searchTrials(candidate.study)),
    frontInput({ study: candidate.study, label: `${baseLabel} with the defaults`, ref: reference.ref }, [reference]),
  );
}

function frontInput(side: Side, trials: Trial[]) {
  return { label: side.label, trials, ...(side.ref !== undefined ? { ref: side.ref } : {}) };
}

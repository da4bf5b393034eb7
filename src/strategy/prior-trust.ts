/**
 * How far a study's own results bear out a related study's (a warm start's
 * prior): the fraction of pairs of own results that the prior's prediction
 * ranks the same way, as in the ranking loss of RGPE (Feurer et al. 2018,
 * "Scalable meta-learning for Bayesian optimization"), mapped to a weight.
 * Ranks rather than values, because a related objective may be shifted or
 * rescaled, and its ranking is what a search can use.
 */

/**
 * Pairs counted as agreeing before any result is in: the prior is trusted
 * fully at the start, and the study's own results take over quickly — at
 * chance (half the pairs agree) the weight is 1/(pairs + 1), a third after
 * three results, and the first reversed pair cuts it to 0 until agreeing ones
 * outweigh it. Three pseudo-pairs kept an unrelated prior's weight up for a
 * round longer: on the warm-start benchmark's control, tpe at q = 1 then never
 * reached the cold start's final regret in 50 trials, against 33 with one
 * (bench/results/warmstart.md; the related pairs within the seeds' noise).
 */
const AGREEING_PAIRS = 1;

/**
 * 1 with no evidence yet, falling to 0 as the prior's ranking of the own
 * results becomes no better than chance (or reversed): 2·P(agree) − 1, the
 * posterior mean of the agreement with AGREEING_PAIRS pseudo-pairs. Both
 * arrays: lower is better; a tie on either side counts half.
 */
export function priorTrust(predicted: readonly number[], observed: readonly number[]): number {
  const n = Math.min(predicted.length, observed.length);
  let agree = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const s = Math.sign(predicted[i]! - predicted[j]!) * Math.sign(observed[i]! - observed[j]!);
      agree += s > 0 ? 1 : s === 0 ? 0.5 : 0;
      pairs++;
    }
  return Math.max(0, (2 * (agree + AGREEING_PAIRS)) / (pairs + AGREEING_PAIRS) - 1);
}

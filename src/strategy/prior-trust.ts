/**
 * How far a study's own results bear out a related study's (a warm start's
 * prior): the fraction of pairs of own results that the prior's prediction
 * ranks the same way, as in the ranking loss of RGPE (Feurer et al. 2018,
 * "Scalable meta-learning for Bayesian optimization"), mapped to a weight.
 * Ranks rather than values, because a related objective may be shifted or
 * rescaled, and its ranking is what a search can use.
 */

/**
 * Pairs counted as agreeing before any result is in, so that the prior is
 * trusted fully at the start and a single disagreeing pair does not cut it:
 * with three results all ranked backwards, the weight reaches 0.
 */
const AGREEING_PAIRS = 3;

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

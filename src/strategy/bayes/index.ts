/**
 * `strategy: bayes` — Gaussian-process Bayesian optimization in batches.
 *
 * A scrambled Sobol design first; after it, every round fits a GP (Matérn-5/2
 * ARD, MAP hyperparameters, warped targets) to the finished trials, adds the
 * running ones as fantasies, and picks the batch one point at a time by log
 * expected improvement, each pick becoming a fantasy for the next. Every other
 * pick searches only a trust region around the best trial (trust-region.ts):
 * on the wider benchmark (issue #13, bench/results/ablation.md) that kept the
 * median regret and cut the worst runs' (90th percentile, geometric mean over
 * 14 problems 0.88×), where exploration shares and other changes traded one
 * for the other. With a warm start's prior, a GP fitted to the related study's
 * trials is the model's prior mean (transfer.ts). With constraints or several
 * objectives, a model per objective and constrained metric chooses the batch
 * after the same design (multi.ts).
 */

import { scoreTrial } from "../../pareto/scores.ts";
import type { Trial } from "../../protocol/trial.ts";
import { decode, encode, type Params, paramsKey, type Space } from "../../space/space.ts";
import { createRng } from "../../util/rng.ts";
import { unseenPoints } from "../sequence.ts";
import { type ProposeInput, type Proposer, proposing } from "../strategy.ts";
import { tpeProposer } from "../tpe/index.ts";
import { believe, type LocalSearch, selectBatch } from "./batch.ts";
import { encodingOf, featuresOf } from "./encoding.ts";
import { buildModel } from "./model.ts";
import { goalBatch, hasGoals, noFeasibleTrial } from "./multi.ts";
import { type Acquisition, cubePoint, initialPool } from "./optimize.ts";
import { fitTransfer } from "./transfer.ts";
import { regionAround, regionLength } from "./trust-region.ts";

/** Keeps this strategy's random streams apart from others drawn from the same seed. */
const STREAM = 0xba7e5;

/**
 * The acquisition search per round: Sobol points, perturbations of the best
 * trials, and local searches per pick. Quadrupling it changed no benchmark
 * result beyond seed noise, and at 1,000 trials it is most of the time spent.
 * The trust region, a small part of the cube, gets a quarter of the Sobol points.
 */
const SEARCH = { sobol: 1024, regionSobol: 256, centres: 5, perCentre: 30, starts: 5, evaluations: 40 };

/**
 * Above this many trials the GP's O(n³) factorization and O(n²) predictions
 * would make planning a round take longer than users should wait; TPE, whose
 * cost grows linearly, proposes instead. A batch of 8 in 8 dimensions took
 * 1.0 s from 1,000 trials, 1.8 s from 1,500 and 0.1 s from 1,501, past the
 * handover (`npm run bench -- --speed-only --strategies bayes,tpe`, 2 cores
 * at load average 1).
 */
const HANDOVER_TRIALS = 1500;

export function handsOverToTpe(trials: readonly Trial[]): boolean {
  return trials.length > HANDOVER_TRIALS;
}

/**
 * Trials of the initial design: one more than the number of parameters, so the
 * model has seen every direction vary, and at least 5. Twice the parameters
 * (BoTorch's habit) was no better on the benchmark, spent a third of the
 * budget before the model got a say on hpo_mixed, where it lost (median final
 * regret 0.030 against 0.0006 at q=4), and would spend most of a small CI
 * budget in ten dimensions.
 */
export function initialDesignSize(parameters: number): number {
  return Math.min(20, Math.max(5, parameters + 1));
}

export const bayesProposer: Proposer = {
  explain(input: ProposeInput): string | undefined {
    const { trials } = input;
    if (handsOverToTpe(trials))
      return `bayes hands over to tpe: a Gaussian process over ${trials.length} trials (more than ${HANDOVER_TRIALS}) would take too long to plan a round`;
    if (input.constraints.length > 0 && trials.some((t) => scoreTrial(input, t)) && noFeasibleTrial(input))
      return "no feasible trial yet: bayes searches where the constraint models expect every constraint to be met";
    return undefined;
  },
  propose(input: ProposeInput): Params[] {
    const { space, objective, trials, count, seed } = input;
    if (handsOverToTpe(trials)) return tpeProposer.propose(input);
    const seen = new Set(trials.map((t) => paramsKey(t.params)));
    const enc = encodingOf(space);
    const rng = createRng(seed, STREAM, trials.length);
    // A related study's results stand in for the initial design as far as they are trusted: its
    // model leads from the first pick, and the space-filling design returns as results disagree.
    // A warm start's prior holds one objective's values: a study with constraints or several
    // objectives starts cold.
    const goals = hasGoals(input);
    const transfer =
      input.prior?.length && !goals ? fitTransfer(enc, input.prior, trials, objective[0].goal, rng) : undefined;
    const design = transfer
      ? Math.round((1 - transfer.trust) * initialDesignSize(enc.p)) - designTaken(space, trials, seed)
      : initialDesignSize(enc.p) - trials.length;
    const designed = Math.max(0, Math.min(count, design));
    const out = sobolDesign(space, trials.length, designed, seed, seen);
    const wanted = count - out.length;
    if (wanted > 0) {
      const designedNow = out.map((params): Trial => ({ id: -1, round: 1, params, status: "pending", attempts: [] }));
      if (goals) out.push(...goalBatch(input, enc, [...trials, ...designedNow], wanted, seen, rng, SEARCH));
      const model = goals
        ? undefined
        : buildModel(enc, [...trials, ...designedNow], objective[0].goal, rng, wanted, transfer);
      if (model) {
        const acq: Acquisition = { enc, gp: model.gp, best: model.best, rng };
        for (const t of model.pending) believe(acq, acq.gp.cache(featuresOf(enc, t.params)));
        const centres = [...model.ranked.map((t) => t.params), ...(transfer?.best ?? [])]
          .slice(0, SEARCH.centres)
          .map((params) => Float64Array.from(encode(space, params)));
        const pool = initialPool(acq, SEARCH.sobol, rng.int(2 ** 31), centres, SEARCH.perCentre);
        const length = regionLength(trials, objective[0].goal, count, enc.p);
        const region = regionAround(enc, centres[0]!, length, model.gp.invL2);
        const local: LocalSearch = {
          pool: initialPool(acq, SEARCH.regionSobol, rng.int(2 ** 31), [centres[0]!], SEARCH.perCentre, region),
          region,
          // Every other pick, and with one pick per round every other round.
          at: (j) => (wanted > 1 ? j % 2 === 1 : trials.length % 2 === 1),
        };
        out.push(...selectBatch(acq, pool, wanted, seen, SEARCH, local));
      }
    }
    // No success to model yet, or every candidate was tried: keep covering the space.
    if (out.length < count) out.push(...sobolDesign(space, trials.length + out.length, count - out.length, seed, seen));
    return out;
  },
};

export const bayesStrategy = proposing("Gaussian-process Bayesian optimization, in batches", bayesProposer);

/**
 * How many trials are points of the study's Sobol design: trial k is point k
 * when the design chose it (the design's index is the trial count).
 */
function designTaken(space: Space, trials: readonly Trial[], seed: number): number {
  const dim = Math.max(1, space.dims.length);
  return trials.filter((t, k) => paramsKey(decode(space, cubePoint(k, dim, seed))) === paramsKey(t.params)).length;
}

/** Points `start`, `start+1`, … of the study's Sobol sequence that are not tried yet. */
function sobolDesign(space: Space, start: number, count: number, seed: number, seen: Set<string>): Params[] {
  return unseenPoints(space, cubePoint, start, count, seed, seen);
}

/**
 * Warm start at the model level (issue #14): bayes and tpe learn from a
 * related study's results (`prior`). With only the prior, their first
 * proposals go where it was good; once the study's own results rank the
 * configurations differently, the prior's weight falls and the proposals
 * follow the study's own results instead.
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Constraint, Objectives } from "../../src/protocol/objective.ts";
import type { Trial } from "../../src/protocol/trial.ts";
import { buildSpace, type Params } from "../../src/space/space.ts";
import { encodingOf } from "../../src/strategy/bayes/encoding.ts";
import { bayesProposer } from "../../src/strategy/bayes/index.ts";
import { fitTransfer, ridgeLine } from "../../src/strategy/bayes/transfer.ts";
import { priorTrust } from "../../src/strategy/prior-trust.ts";
import { strategyFor } from "../../src/strategy/registry.ts";
import type { PriorTrial, Proposer } from "../../src/strategy/strategy.ts";
import { tpeProposer } from "../../src/strategy/tpe/index.ts";
import { createRng } from "../../src/util/rng.ts";
import { configFrom } from "../helpers/config.ts";

const space = buildSpace({
  x: { type: "float", min: 0, max: 1, scale: "linear" },
  y: { type: "float", min: 0, max: 1, scale: "linear" },
});
const objective: Objectives = [{ metric: "m", goal: "minimize" }];
const constraints: Constraint[] = [];
const outcome = { durationMs: 1, exitCode: 0, signal: null, metrics: {}, intermediate: [], logTail: "" };

const PRIOR_BEST = { x: 0.8, y: 0.8 };
const OWN_BEST = { x: 0.2, y: 0.2 };
const bowl = (at: { x: number; y: number }) => (p: Params) => (Number(p.x) - at.x) ** 2 + (Number(p.y) - at.y) ** 2;
const distance = (p: Params, at: { x: number; y: number }) => Math.sqrt(bowl(at)(p));

/** A related study's results: a grid over the square, valued by a bowl around PRIOR_BEST. */
const PRIOR: PriorTrial[] = Array.from({ length: 36 }, (_, i) => {
  const params = { x: (i % 6) / 5, y: Math.floor(i / 6) / 5 };
  return { params, value: bowl(PRIOR_BEST)(params) };
});

/** The study's own results at Sobol-like scattered points, valued by a bowl around OWN_BEST. */
function ownTrials(n: number): Trial[] {
  const rng = createRng(7);
  return Array.from({ length: n }, (_, id): Trial => {
    const params = { x: rng.next(), y: rng.next() };
    const value = bowl(OWN_BEST)(params);
    return {
      id,
      round: 1 + Math.floor(id / 4),
      params,
      status: "succeeded",
      attempts: [{ status: "succeeded", value, trialId: id, attempt: 1, ...outcome }],
    };
  });
}

const propose = (proposer: Proposer, trials: Trial[], prior?: PriorTrial[]) =>
  proposer.propose({ space, objective, constraints, trials, count: 4, seed: 3, ...(prior ? { prior } : {}) });

describe("priorTrust", () => {
  it("trusts fully before any result and while the results agree with the prior's ranking", () => {
    assert.equal(priorTrust([], []), 1);
    assert.equal(priorTrust([3], [10]), 1);
    assert.equal(priorTrust([1, 2, 3, 4, 5], [10, 20, 30, 40, 50]), 1);
  });

  it("falls as the results rank the configurations against the prior, to 0 once they reverse it", () => {
    const observed = [50, 40, 30, 20, 10];
    const some = priorTrust([1, 2, 3, 4, 5], [10, 20, 30, 50, 40]);
    assert.ok(some < 1 && some > 0.5, `one pair of ten reversed: ${some}`);
    assert.equal(priorTrust([1, 2, 3], [3, 2, 1]), 0);
    assert.equal(priorTrust([1, 2, 3, 4, 5], observed), 0);
  });

  it("is near 0 when the results are unrelated to the prior's ranking", () => {
    const rng = createRng(11);
    const predicted = Array.from({ length: 40 }, () => rng.next());
    const observed = Array.from({ length: 40 }, () => rng.next());
    assert.ok(priorTrust(predicted, observed) < 0.15, `${priorTrust(predicted, observed)}`);
  });
});

describe("bayes transfer prior", () => {
  const enc = encodingOf(space);
  const trustFor = (trials: Trial[]) => fitTransfer(enc, PRIOR, trials, "minimize", createRng(1)).trust;

  it("maps the prior's scale onto the study's by a ridge-pulled line, never reversed", () => {
    const m = [0, 1, 2, 3];
    const fit = ridgeLine(m, [0, 2, 4, 6]);
    assert.ok(fit.b > 1.5 && fit.b < 2, `a slope between the pull's 1 and the data's 2: ${fit.b}`);
    assert.equal(ridgeLine(m, [6, 4, 2, 0]).b, 0);
    assert.deepEqual(ridgeLine([], []), { a: 0, b: 1 });
  });

  it("with only the prior, proposes where the related study was good", () => {
    const warm = propose(bayesProposer, [], PRIOR);
    const cold = propose(bayesProposer, []);
    assert.equal(warm.length, 4);
    for (const p of warm)
      assert.ok(distance(p, PRIOR_BEST) < 0.25, `${JSON.stringify(p)} is far from the prior's best`);
    assert.ok(
      cold.some((p) => distance(p, PRIOR_BEST) > 0.25),
      "the cold design covers the square",
    );
  });

  it("stops trusting the prior when the study's results disagree, and follows them", () => {
    assert.equal(trustFor([]), 1);
    const trust = trustFor(ownTrials(16));
    assert.ok(trust < 0.1, `trust after 16 contradicting results: ${trust}`);
    const warm = propose(bayesProposer, ownTrials(16), PRIOR);
    const near = warm.filter((p) => distance(p, OWN_BEST) < distance(p, PRIOR_BEST));
    assert.ok(near.length >= 3, `proposals ${JSON.stringify(warm)} should follow the study's own results`);
  });

  it("an empty prior is no prior", () => {
    assert.deepEqual(propose(bayesProposer, ownTrials(6), []), propose(bayesProposer, ownTrials(6)));
  });
});

describe("tpe with a prior", () => {
  it("with only the prior, samples where the related study was good", () => {
    const warm = propose(tpeProposer, [], PRIOR);
    assert.equal(warm.length, 4);
    for (const p of warm)
      assert.ok(distance(p, PRIOR_BEST) < 0.35, `${JSON.stringify(p)} is far from the prior's best`);
    assert.ok(
      propose(tpeProposer, []).some((p) => distance(p, PRIOR_BEST) > 0.35),
      "the cold design covers the square",
    );
  });

  it("drops the prior when the study's results disagree, and follows them", () => {
    const warm = propose(tpeProposer, ownTrials(16), PRIOR);
    const near = warm.filter((p) => distance(p, OWN_BEST) < distance(p, PRIOR_BEST));
    assert.ok(near.length >= 3, `proposals ${JSON.stringify(warm)} should follow the study's own results`);
  });

  it("an empty prior is no prior", () => {
    assert.deepEqual(propose(tpeProposer, ownTrials(12), []), propose(tpeProposer, ownTrials(12)));
  });
});

describe("hyperband with a prior", () => {
  const config = configFrom(`
name: hb
command: [x]
objective: {metric: m, goal: minimize}
parameters:
  x: {type: float, min: 0, max: 1}
  y: {type: float, min: 0, max: 1}
strategy: hyperband
sampler: tpe
resource: {name: epochs, min: 1, max: 9, eta: 3}
budget: {max_trials: 40, parallel: 9}
`);
  const firstRung = (prior?: PriorTrial[]) =>
    strategyFor("hyperband")
      .plan({ config, space, trials: [], room: 9, ...(prior ? { prior } : {}) })
      .fresh.map((t) => t.params);

  it("passes it to its sampler, which leads the first rung before the study has results", () => {
    const near = (ps: Params[]) => ps.filter((p) => distance(p, PRIOR_BEST) < 0.25).length;
    const warm = firstRung(PRIOR);
    assert.equal(warm.length, 9);
    // Two thirds come from the sampler (RANDOM_SHARE draws the rest at random).
    const cold = near(firstRung());
    assert.ok(near(warm) >= cold + 2, `${near(warm)} of 9 near the prior's best, ${cold} without it`);
  });
});

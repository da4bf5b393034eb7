/**
 * Warm start in the engine: the other study's trials mapped into a changed
 * space (what carries over, what is dropped, what is filled in, and said so),
 * round 1 re-running its best configurations, the strategy seeing the rest as
 * `prior`, and none of it counted as the new study's own results.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Config } from "../../src/config/schema.ts";
import { evaluatedAttempt } from "../../src/driver/in-process.ts";
import { planRound } from "../../src/engine/plan.ts";
import type { Trial } from "../../src/protocol/trial.ts";
import { studyJson } from "../../src/report/json.ts";
import { markdownReport } from "../../src/report/markdown.ts";
import { strategyFor } from "../../src/strategy/registry.ts";
import type { ProposeInput } from "../../src/strategy/strategy.ts";
import { bestTrial } from "../../src/study/best.ts";
import type { Study } from "../../src/study/schema.ts";
import { readStudy, readWarmStart, writeStudy } from "../../src/study/store.ts";
import { createStudy, recordAttempt } from "../../src/study/study.ts";
import { warmStartFrom } from "../../src/study/warm-start.ts";
import { configFrom } from "../helpers/config.ts";

const BASE = configFrom(`
name: base
command: [x]
objective: {metric: loss, goal: minimize}
parameters:
  lr: {type: float, min: 0.001, max: 1, scale: log}
  opt: {type: categorical, values: [sgd, adam, lamb]}
  old: {type: int, min: 1, max: 4}
budget: {max_trials: 8, parallel: 4}
`);

/** The pull request's space: lr narrowed, lamb gone, `old` removed, `width` (default 64) and `depth` (none) new. */
const PR = configFrom(`
name: pr
command: [x]
objective: {metric: loss, goal: minimize}
parameters:
  lr: {type: float, min: 0.001, max: 0.5, scale: log}
  opt: {type: categorical, values: [sgd, adam]}
  width: {type: int, min: 16, max: 256, default: 64}
  depth: {type: int, min: 1, max: 5}
budget: {max_trials: 8, parallel: 4}
warm_start: {rerun: 2}
`);

function trial(id: number, params: Trial["params"], value: number | undefined): Trial {
  const t: Trial = { id, round: 1, params, status: "pending", attempts: [] };
  if (value === undefined) return t;
  return { ...t, status: "succeeded", attempts: [evaluatedAttempt({ trialId: id, attempt: 1 }, value)] };
}

function baseStudy(): Study {
  return {
    ...createStudy(BASE),
    trials: [
      trial(0, { lr: 0.01, opt: "sgd", old: 1 }, 0.5),
      trial(1, { lr: 0.8, opt: "adam", old: 2 }, 0.1), // lr outside the new range
      trial(2, { lr: 0.02, opt: "lamb", old: 3 }, 0.05), // lamb is gone
      trial(3, { lr: 0.03, opt: "adam", old: 4 }, 0.2),
      trial(4, { lr: 0.03, opt: "adam", old: 1 }, 0.3), // the same configuration once `old` is dropped
      trial(5, { lr: 0.04, opt: "sgd", old: 2 }, undefined), // no value
    ],
  };
}

function firstRound(config: Config, study: Study) {
  const plan = planRound(config, study);
  if (plan.kind !== "round") throw new Error(`expected a round, got ${plan.kind}`);
  return plan;
}

describe("warm start", () => {
  it("maps the other study's trials into a changed space and says what it changed", () => {
    const warm = warmStartFrom(PR, baseStudy(), "run 9001");
    assert.equal(warm.offered, 5);
    assert.deepEqual(warm.trials, [
      { params: { lr: 0.03, opt: "adam", width: 64, depth: 3 }, value: 0.2 },
      { params: { lr: 0.01, opt: "sgd", width: 64, depth: 3 }, value: 0.5 },
    ]);
    assert.deepEqual(warm.notes, [
      "not in this space, dropped: old",
      "new here: width, taken as 64 in the other study's trials",
      "new here: depth, taken as 3 (no default: the middle) in the other study's trials",
      "1 trial left out: opt has a value that is not one of its values here",
      "1 trial left out: lr outside [0.001, 0.5]",
    ]);
  });

  it("refuses a study of another objective", () => {
    const dir = mkdtempSync(join(tmpdir(), "mt-warm-"));
    const other = configFrom(`
name: acc
command: [x]
objective: {metric: acc, goal: maximize}
parameters:
  lr: {type: float, min: 0.001, max: 1}
`);
    writeStudy(join(dir, "state.json"), createStudy(other));
    const warm = readWarmStart(join(dir, "state.json"), PR, "run 7");
    assert.deepEqual(warm, { refused: "run 7 cannot warm-start pr: it maximizes acc, and this study minimizes loss" });
    const several: Config = {
      ...PR,
      objective: [
        { metric: "loss", goal: "minimize" },
        { metric: "ms", goal: "minimize" },
      ],
    };
    assert.deepEqual(readWarmStart(join(dir, "state.json"), several, "run 7"), {
      refused:
        "run 7 cannot warm-start pr: this study has several objectives, and warm start carries over one objective's results",
    });
  });

  it("re-runs the best configurations in round 1, hands the rest to the strategy, and counts none of them", () => {
    const warm = warmStartFrom(PR, baseStudy(), "run 9001");
    const plan = firstRound(PR, createStudy(PR, { warmStart: warm }));
    assert.deepEqual(
      plan.study.trials.slice(0, 2).map((t) => t.params),
      warm.trials.map((t) => t.params),
    );
    assert.equal(plan.study.trials.length, 4, "the round is full: two re-runs and two of the strategy's");
    assert.deepEqual(plan.study.warmStart?.reran, [0, 1]);
    // Nothing is anyone's result until it ran here.
    assert.equal(bestTrial(plan.study.config, plan.study), undefined);
    let study = plan.study;
    for (const t of study.trials)
      study = recordAttempt(study, evaluatedAttempt({ trialId: t.id, attempt: 1 }, 1 + t.id));
    const second = firstRound(PR, study);
    assert.equal(second.study.trials.length, 8, "round 2 re-runs nothing and the budget counts the re-runs");
    assert.deepEqual(second.study.warmStart?.reran, [0, 1]);
    assert.equal(bestTrial(second.study.config, second.study)?.id, 0);
    const report = markdownReport(PR, second.study);
    assert.match(
      report,
      /Warm start from run 9001: learned from 2 of its 5 trials with a value .*trials 0, 1 re-ran its best 2 configurations; not in this space, dropped: old/,
    );
    assert.match(report, /warm start: re-runs a best configuration/);
    assert.deepEqual(studyJson(second.study).warm_start, {
      source: "run 9001",
      offered: 5,
      used: 2,
      reran: [0, 1],
      notes: warm.notes,
    });
  });

  it("passes the mapped trials to the strategy as its prior, every round", () => {
    const warm = warmStartFrom(PR, baseStudy(), "run 9001");
    const seen: (ProposeInput["prior"] | undefined)[] = [];
    const random = strategyFor("random").proposer!;
    const propose = random.propose.bind(random);
    random.propose = (input: ProposeInput) => {
      seen.push(input.prior);
      return propose(input);
    };
    try {
      firstRound(PR, createStudy(PR, { warmStart: warm }));
      firstRound(PR, createStudy(PR));
    } finally {
      random.propose = propose;
    }
    assert.deepEqual(seen, [warm.trials, undefined]);
  });

  it("takes the rerun count from the config, 0 for none, over several rounds when a round holds fewer", () => {
    const warm = warmStartFrom(PR, baseStudy(), "run 9001");
    const none = firstRound({ ...PR, warm_start: { from: "base", rerun: 0 } }, createStudy(PR, { warmStart: warm }));
    assert.deepEqual(none.study.warmStart?.reran, []);
    const one = { ...PR, budget: { ...PR.budget, parallel: 1 } };
    let study = createStudy(one, { warmStart: warm });
    for (let round = 0; round < 3; round++) {
      study = firstRound(one, study).study;
      const t = study.trials.at(-1)!;
      study = recordAttempt(study, evaluatedAttempt({ trialId: t.id, attempt: 1 }, 1));
    }
    assert.deepEqual(
      study.trials.slice(0, 2).map((t) => t.params),
      warm.trials.map((t) => t.params),
      "one re-run a round, best first",
    );
    assert.deepEqual(study.warmStart?.reran, [0, 1]);
    assert.ok(!warm.trials.some((t) => JSON.stringify(t.params) === JSON.stringify(study.trials[2]!.params)));
  });

  it("re-runs after the baseline, never the baseline's configuration twice", () => {
    const withDefaults = configFrom(`
name: pr
command: [x]
objective: {metric: loss, goal: minimize}
parameters:
  lr: {type: float, min: 0.001, max: 0.5, scale: log, default: 0.03}
  opt: {type: categorical, values: [sgd, adam], default: adam}
  width: {type: int, min: 16, max: 256, default: 64}
  depth: {type: int, min: 1, max: 5, default: 3}
baseline: true
budget: {max_trials: 8, parallel: 4}
`);
    // The base's best maps to exactly the defaults, which the baseline already runs.
    const warm = warmStartFrom(withDefaults, baseStudy(), "run 9001");
    assert.deepEqual(warm.trials[0]!.params, { lr: 0.03, opt: "adam", width: 64, depth: 3 });
    const plan = firstRound(withDefaults, createStudy(withDefaults, { warmStart: warm }));
    assert.deepEqual(
      plan.study.trials.slice(0, 2).map((t) => t.params),
      [warm.trials[0]!.params, warm.trials[1]!.params],
    );
    assert.deepEqual(plan.study.warmStart?.reran, [1]);
  });

  it("reads a base study of an older state version, of a multi-fidelity study only its largest resource's trials", () => {
    // A version-1 hyperband state (bracket and rung on each trial), migrated on read.
    const v1 = readStudy(fileURLToPath(new URL("../fixtures/state/v1-hyperband.json", import.meta.url)));
    const config = configFrom(`
name: pr
command: [x]
objective: {metric: loss, goal: minimize}
parameters:
  x: {type: float, min: 0, max: 1}
  y: {type: float, min: 0, max: 1}
  opt: {type: categorical, values: [sgd, adam]}
`);
    const warm = warmStartFrom(config, v1, "run 1");
    // Its hyperband never reached the full 9 epochs: 3 is the largest resource with results.
    const largest = v1.trials.filter((t) => t.resource === 3 && t.status === "succeeded");
    assert.equal(largest.length, 6);
    assert.equal(warm.offered, 6);
    assert.deepEqual(
      warm.trials.map((t) => t.params).sort((a, b) => Number(a.x) - Number(b.x)),
      largest.map((t) => t.params).sort((a, b) => Number(a.x) - Number(b.x)),
    );
    assert.deepEqual(warm.notes, ["its trials at epochs 3, the largest with results (its full epochs is 9)"]);
  });
});

it("keeps the warm start in the state file", () => {
  const dir = mkdtempSync(join(tmpdir(), "mt-warm-"));
  const warm = warmStartFrom(PR, baseStudy(), "run 9001");
  const path = join(dir, "state.json");
  writeStudy(path, createStudy(PR, { warmStart: warm }));
  assert.deepEqual(readStudy(path).warmStart, warm);
});

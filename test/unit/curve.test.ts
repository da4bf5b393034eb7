/**
 * Bounded learning curves: however many steps a trial reports, the study keeps
 * a fixed number of points, and the ones that matter on their own.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Attempt, Intermediate, NewTrial } from "../../src/protocol/trial.ts";
import { MedianPruner, medianRule } from "../../src/strategy/prune.ts";
import { boundCurve, CURVE_POINTS, CurveSampler, curveKeep } from "../../src/study/curve.ts";
import { createStudy, openRound, recordAttempt } from "../../src/study/study.ts";
import { runAttempt } from "../helpers/attempts.ts";
import { configFrom } from "../helpers/config.ts";

const config = configFrom(`
name: c
command: [x]
objective: {metric: loss, goal: minimize}
parameters:
  x: {type: float, min: 0, max: 1}
early_stopping: {rule: median, min_steps: 1, min_trials: 3}
`);
const keep = { objective: config.objective[0], pinned: new Set([729, 728]) };

/** Loss falling with the step, with its best value at `bestAt`. */
const point = (step: number, bestAt = -1): Intermediate => ({
  step,
  values: { loss: step === bestAt ? -1 : 1 / (step + 1) + 0.5 },
});

function sampled(n: number, bestAt = -1): Intermediate[] {
  const s = new CurveSampler(keep);
  for (let i = 0; i < n; i++) s.add(point(i, bestAt));
  return s.points;
}

const steps = (points: readonly Intermediate[]) => points.map((p) => p.step);

describe("CurveSampler", () => {
  it("keeps a short curve whole", () => {
    const points = Array.from({ length: 100 }, (_, i) => point(i));
    assert.deepEqual(sampled(100), points);
    assert.deepEqual(boundCurve(points, keep), points);
  });

  it("keeps a million steps to a bounded, evenly spread curve with the first, last, best and rung steps", () => {
    const points = sampled(1_000_000, 123_457);
    assert.ok(points.length <= CURVE_POINTS + 5, `${points.length} points`);
    assert.ok(points.length >= CURVE_POINTS / 2, `${points.length} points`);
    const at = steps(points);
    for (const s of [0, 999_999, 123_457, 728, 729]) assert.ok(at.includes(s), `step ${s} kept`);
    assert.deepEqual(
      at,
      [...at].sort((a, b) => a - b),
      "in the order reported",
    );
    const gaps = new Set(at.filter((s) => s % 4096 === 0).map((s, i, a) => (i ? s - a[i - 1]! : 0)));
    assert.deepEqual(
      [...gaps].filter((g) => g > 0),
      [4096],
      "evenly spread",
    );
  });

  it("recording gives the same curve as sampling while the trial ran", () => {
    const all = Array.from({ length: 50_000 }, (_, i) => point(i, 777));
    assert.deepEqual(boundCurve(all, keep), sampled(50_000, 777));
  });

  it("stays bounded when one step is reported over and over", () => {
    const s = new CurveSampler(keep);
    for (let i = 0; i < 10_000; i++) s.add({ step: 0, values: { loss: i } });
    assert.ok(s.points.length <= CURVE_POINTS + 3);
  });

  it("pins the resources of the study's trials, counted from 0 or 1", () => {
    const study = openRound(createStudy(config), [{ params: { x: 0 }, resource: 9 }], []).study;
    assert.deepEqual(
      [...(curveKeep(study).pinned ?? [])].sort((a, b) => a - b),
      [8, 9],
    );
  });
});

describe("recorded curves", () => {
  const attempt = (trialId: number, intermediate: Intermediate[]): Attempt => ({
    ...runAttempt(trialId, 1, undefined, 1),
    intermediate,
  });

  it("are bounded, and the median rule still compares trials at shared steps", () => {
    const fresh: NewTrial[] = [0, 1, 2, 3].map((i) => ({ params: { x: i / 10 } }));
    let study = openRound(createStudy(config), fresh, []).study;
    for (const id of [0, 1, 2])
      study = recordAttempt(
        study,
        attempt(
          id,
          Array.from({ length: 100_000 }, (_, step) => ({ step, values: { loss: id + 1 } })),
        ),
      );
    for (const t of study.trials.slice(0, 3)) assert.ok(t.attempts[0]!.intermediate.length <= CURVE_POINTS + 3);
    assert.ok(JSON.stringify(study).length < 200_000, `${JSON.stringify(study).length} bytes`);
    const rule = medianRule(config, study, config.early_stopping!);
    assert.ok(rule, "the median curve has steps that three trials reported");
    const [step, median] = rule.median.at(-1)!;
    assert.equal(median, 2);
    const pruner = new MedianPruner(rule, config.objective[0]);
    assert.equal(pruner.observe(step, { loss: 5 }).prune, true, "a worse trial is still pruned");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { planRound } from "../../src/engine/plan.ts";
import { MAX_CURVE_POINTS, type PruneRule } from "../../src/protocol/prune-rule.ts";
import type { Attempt, Intermediate, NewTrial } from "../../src/protocol/trial.ts";
import { type EarlyStopping, MedianPruner, medianRule } from "../../src/strategy/prune.ts";
import { CURVE_POINTS } from "../../src/study/curve.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy, openRound, recordAttempt } from "../../src/study/study.ts";
import { payloadsFor } from "../../src/trial/payload.ts";
import { configFrom } from "../helpers/config.ts";

const base = configFrom(`
name: p
command: [x]
objective: {metric: loss, goal: minimize}
metrics: {record: [acc]}
parameters:
  x: {type: float, min: 0, max: 1}
early_stopping: {rule: median, min_steps: 2, min_trials: 3}
budget: {max_trials: 1000, parallel: 4}
`);
const rule = base.early_stopping!;

const cfg = (budget: Partial<Config["budget"]> = {}, extra: Partial<Config> = {}): Config => ({
  ...base,
  ...extra,
  budget: { ...base.budget, ...budget },
});

/** Loss at steps 1, 2, … (undefined: the step was not reported). */
const curve = (values: readonly (number | undefined)[], metric = "loss"): Intermediate[] =>
  values.flatMap((v, i) => (v === undefined ? [] : [{ step: i + 1, values: { [metric]: v, acc: -1000 } }]));

function attempt(trialId: number, status: Attempt["status"], intermediate: Intermediate[], m?: number): Attempt {
  const last = intermediate.at(-1)?.values.loss ?? 0;
  const common = {
    trialId,
    attempt: 1,
    ...(m !== undefined ? { member: m } : {}),
    durationMs: 1,
    exitCode: 0,
    signal: null,
    metrics: {},
    intermediate,
    logTail: "",
  };
  if (status === "failed") return { ...common, status, reason: "exited with code 1", exitCode: 1 };
  if (status === "pruned") return { ...common, status, reason: "pruned", value: last };
  return { ...common, status, value: last };
}

/** A study whose trials finished with the given statuses and curves. */
function studyOf(config: Config, finished: readonly [Attempt["status"], Intermediate[]][]): Study {
  const fresh: NewTrial[] = finished.map((_, i) => ({ params: { x: i / 1000 } }));
  let study = openRound(createStudy(config), fresh, []).study;
  finished.forEach(([status, points], id) => {
    study = recordAttempt(study, attempt(id, status, points));
  });
  return study;
}

describe("median rule: the curve", () => {
  it("is the median per step over finished trials, at steps enough of them reported", () => {
    const study = studyOf(base, [
      ["succeeded", curve([9, 7, 5, 3])],
      ["succeeded", curve([8, 6, 4])],
      ["succeeded", curve([1, 2, 3])],
      ["succeeded", curve([7, undefined, 6])],
    ]);
    assert.deepEqual(medianRule(base, study, rule), {
      after: 2,
      // step 1: 1 7 8 9 → 7.5; step 2: 2 6 7 → 6; step 3: 3 4 5 6 → 4.5; step 4: one report, fewer than 3.
      median: [
        [1, 7.5],
        [2, 6],
        [3, 4.5],
      ],
    });
  });

  it("says nothing until some step has min_trials reports", () => {
    const two = studyOf(base, [
      ["succeeded", curve([1, 2])],
      ["succeeded", curve([3, 4])],
    ]);
    assert.equal(medianRule(base, two, rule), undefined);
    assert.deepEqual(medianRule(base, two, { ...rule, min_trials: 2 })?.median, [
      [1, 2],
      [2, 3],
    ]);
    assert.equal(medianRule(base, createStudy(base), rule), undefined);
  });

  it("ignores failed attempts; counts pruned ones", () => {
    const study = studyOf(base, [
      ["succeeded", curve([1, 1])],
      ["succeeded", curve([2, 2])],
      ["failed", curve([-100, -100])],
    ]);
    assert.equal(medianRule(base, study, rule), undefined, "two curves that count, and one failed");
    const pruned = studyOf(base, [
      ["succeeded", curve([1, 1])],
      ["succeeded", curve([2, 2])],
      ["failed", curve([-100, -100])],
      ["pruned", curve([50])],
    ]);
    assert.deepEqual(medianRule(base, pruned, rule)?.median, [[1, 2]], "the pruned trial stopped after step 1");
  });

  it("reads only the objective's metric", () => {
    const study = studyOf(base, [
      ["succeeded", curve([1])],
      ["succeeded", curve([2])],
      ["succeeded", curve([3], "acc")],
    ]);
    assert.equal(medianRule(base, study, rule), undefined);
  });

  it("counts each member as a curve", () => {
    const members = cfg({}, { folds: 3 });
    let study = openRound(createStudy(members), [{ params: { x: 0.5 } }], []).study;
    for (const [m, v] of [0, 10, 20].entries()) study = recordAttempt(study, attempt(0, "succeeded", curve([v]), m));
    assert.deepEqual(medianRule(members, study, rule)?.median, [[1, 10]]);
  });

  it("thins a long curve to 64 evenly spread points, the first and last steps kept", () => {
    // Within the CURVE_POINTS an attempt records, so every step is there to thin.
    const long = Array.from({ length: CURVE_POINTS }, (_, i) => CURVE_POINTS - i);
    const study = studyOf(base, [
      ["succeeded", curve(long)],
      ["succeeded", curve(long)],
      ["succeeded", curve(long)],
    ]);
    const median = medianRule(base, study, rule)!.median;
    assert.equal(MAX_CURVE_POINTS, 64);
    assert.equal(median.length, 64);
    assert.deepEqual(median[0], [1, CURVE_POINTS]);
    assert.deepEqual(median.at(-1), [CURVE_POINTS, 1]);
    const steps = median.map(([s]) => s);
    assert.ok(
      steps.every((s, i) => i === 0 || s > steps[i - 1]!),
      "ascending, no step twice",
    );
    // Evenly spread: every gap is 255/63 ≈ 4.05 steps, rounded.
    assert.ok(steps.every((s, i) => i === 0 || [3, 4, 5].includes(s - steps[i - 1]!)));
    assert.ok(median.every(([s, v]) => v === CURVE_POINTS + 1 - s));

    const exactly = studyOf(
      base,
      Array.from({ length: 3 }, () => ["succeeded", curve(long.slice(0, 64))] as [Attempt["status"], Intermediate[]]),
    );
    assert.equal(medianRule(base, exactly, rule)!.median.length, 64, "64 points are kept as they are");
    assert.equal(medianRule(base, exactly, rule)!.median[63]![0], 64);
  });
});

describe("median rule: the pruner", () => {
  const median: PruneRule["median"] = [
    [1, 5],
    [2, 4],
    [3, 3],
    [5, 2],
  ];
  const minimize = { metric: "loss", goal: "minimize" } as const;

  it("minimize: prunes once the best value so far is above the median", () => {
    const p = new MedianPruner({ after: 0, median }, minimize);
    assert.deepEqual(p.observe(1, { loss: 5 }), { prune: false }, "equal to the median is not worse");
    const v = p.observe(2, { loss: 4.5 });
    assert.equal(v.prune, true);
    assert.equal(v.prune && v.value, 4.5);
    assert.equal(
      v.prune && v.reason,
      "pruned at step 2: best loss so far 4.5 is worse than the median 4 of earlier trials (early_stopping: median)",
    );
  });

  it("maximize: prunes once the best value so far is below the median", () => {
    const p = new MedianPruner(
      {
        after: 0,
        median: [
          [1, 0.5],
          [2, 0.6],
        ],
      },
      { metric: "acc", goal: "maximize" },
    );
    assert.deepEqual(p.observe(1, { acc: 0.55 }), { prune: false });
    assert.deepEqual(p.observe(2, { acc: 0.6 }), { prune: false });
    const again = new MedianPruner(
      {
        after: 0,
        median: [
          [1, 0.5],
          [2, 0.6],
        ],
      },
      { metric: "acc", goal: "maximize" },
    );
    assert.deepEqual(again.observe(1, { acc: 0.55 }), { prune: false });
    const v = again.observe(2, { acc: 0.3 });
    assert.deepEqual(v.prune && [v.value], [0.55], "compares its best, 0.55, with 0.6");
  });

  it("compares the best value so far, not the latest", () => {
    const p = new MedianPruner({ after: 0, median }, minimize);
    assert.deepEqual(p.observe(1, { loss: 2 }), { prune: false });
    // 3.9 at step 3 is worse than the median 3, but the trial reached 2 at step 1.
    assert.deepEqual(p.observe(3, { loss: 3.9 }), { prune: false });
    assert.deepEqual(p.observe(5, { loss: 2.5 }), { prune: false }, "best 2 equals the median at step 5");
  });

  it("never prunes before `after`", () => {
    const p = new MedianPruner({ after: 3, median }, minimize);
    assert.deepEqual(p.observe(1, { loss: 100 }), { prune: false });
    assert.deepEqual(p.observe(2, { loss: 100 }), { prune: false });
    assert.equal(p.observe(3, { loss: 100 }).prune, true);
  });

  it("never prunes at a step the curve does not have, or on a report without the objective", () => {
    const p = new MedianPruner({ after: 0, median }, minimize);
    assert.deepEqual(p.observe(4, { loss: 100 }), { prune: false });
    assert.deepEqual(p.observe(6, { loss: 100 }), { prune: false });
    assert.deepEqual(p.observe(0, { loss: 100 }), { prune: false });
    const q = new MedianPruner({ after: 0, median }, minimize);
    assert.deepEqual(q.observe(1, { acc: 0.1 }), { prune: false });
    assert.deepEqual(q.observe(2, { loss: 3 }), { prune: false }, "the acc report did not count as a loss");
  });
});

describe("median rule: through the plan", () => {
  /** Runs rounds, every trial reporting `steps` steps of a curve that depends on its x. */
  function runRounds(config: Config, rounds: number, steps: number): Study {
    let study = createStudy(config);
    for (let i = 0; i < rounds; i++) {
      const plan = planRound(config, study);
      assert.equal(plan.kind, "round");
      study = plan.study;
      if (plan.kind !== "round") break;
      for (const run of plan.runs) {
        const x = Number(study.trials[run.trialId]!.params.x);
        const values = Array.from({ length: steps }, (_, s) => x + 1 / (s + 1) + s * 1e-7);
        study = recordAttempt(study, attempt(run.trialId, "succeeded", curve(values)));
      }
    }
    return study;
  }

  it("payloads carry the rule once min_trials trials have reported", () => {
    const c = cfg({ parallel: 2 });
    const early = runRounds(c, 1, 5);
    let plan = planRound(c, early);
    assert.equal(plan.kind, "round");
    if (plan.kind !== "round") return;
    const none = payloadsFor(c, plan.study, plan.round, plan.runs);
    assert.ok(
      none.every((p) => p.prune === undefined),
      "two finished trials, min_trials 3",
    );

    const later = runRounds(c, 2, 5);
    plan = planRound(c, later);
    assert.equal(plan.kind, "round");
    if (plan.kind !== "round") return;
    const payloads = payloadsFor(c, plan.study, plan.round, plan.runs);
    assert.equal(payloads.length, 2);
    const expected = medianRule(c, later, rule)!;
    assert.equal(expected.median.length, 5);
    for (const p of payloads) assert.deepEqual(p.prune, expected);
    assert.equal(payloads[0]!.prune!.after, 2);

    const off = cfg({ parallel: 2 }, { early_stopping: undefined });
    assert.ok(payloadsFor(off, plan.study, plan.round, plan.runs).every((p) => !("prune" in p)));
  });

  it("256 payloads with a full 64-point curve stay well under GitHub's 1 MB of job outputs", () => {
    const c = cfg({ parallel: 256, max_trials: 1000 }, { early_stopping: { ...rule, min_trials: 1 } as EarlyStopping });
    const study = runRounds(cfg({ parallel: 8 }, { early_stopping: c.early_stopping }), 1, 500);
    const plan = planRound(c, study);
    assert.equal(plan.kind, "round");
    if (plan.kind !== "round") return;
    const payloads = payloadsFor(c, plan.study, plan.round, plan.runs);
    assert.equal(payloads.length, 256);
    assert.equal(payloads[0]!.prune!.median.length, 64);
    const bytes = Buffer.byteLength(JSON.stringify({ include: payloads }));
    assert.ok(bytes < 512 * 1024, `${bytes} bytes`);
  });
});

describe("median rule: details that decide a prune", () => {
  it("rounds each median to 4 significant digits in the trial's favour", () => {
    const study = studyOf(base, [
      ["succeeded", curve([0.123456])],
      ["succeeded", curve([0.123456])],
      ["succeeded", curve([0.123456])],
    ]);
    // Minimizing: rounded up, so a trial at exactly the median is not pruned by the rounding.
    assert.deepEqual(medianRule(base, study, rule)?.median, [[1, 0.1235]]);
    const max = cfg({}, { objective: [{ metric: "loss", goal: "maximize" }] });
    assert.deepEqual(medianRule(max, study, rule)?.median, [[1, 0.1234]]);
  });

  it("a step a run reported twice counts once, with its last value", () => {
    const twice: Intermediate[] = [
      { step: 1, values: { loss: 100 } },
      { step: 1, values: { loss: 1 } },
    ];
    const study = studyOf(base, [
      ["succeeded", twice],
      ["succeeded", curve([2])],
    ]);
    assert.equal(medianRule(base, study, rule), undefined, "two runs reported step 1, not three");
    assert.deepEqual(medianRule(base, study, { ...rule, min_trials: 2 })?.median, [[1, 1.5]]);
  });

  it("min_steps counts the values a trial reported, whatever its step numbers", () => {
    const sparse: PruneRule = {
      after: 2,
      median: [
        [100, 1],
        [200, 1],
      ],
    };
    const pruner = new MedianPruner(sparse, base.objective[0]);
    assert.equal(pruner.observe(100, { loss: 5 }).prune, false, "its first report");
    assert.equal(pruner.observe(200, { loss: 5 }).prune, true, "its second");
  });
});

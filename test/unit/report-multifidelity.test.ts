import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { createProgress } from "../../src/local/progress.ts";
import type { Attempt, Intermediate, NewTrial } from "../../src/protocol/trial.ts";
import { mermaidConvergence, mermaidNumber } from "../../src/report/chart.ts";
import { learningCurvesSection, trialCurve } from "../../src/report/curves.ts";
import { importanceSection } from "../../src/report/importance.ts";
import { markdownReport } from "../../src/report/markdown.ts";
import { fmtTrialValue, memberLabel } from "../../src/report/members.ts";
import { rungsSection } from "../../src/report/rungs.ts";
import { bestSnippet, countsLine } from "../../src/report/summary.ts";
import { resultsTable } from "../../src/report/table.ts";
import { placedAt } from "../../src/strategy/hyperband/placement.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy, markRunning, openRound, recordAttempt } from "../../src/study/study.ts";
import { configFrom } from "../helpers/config.ts";

const BASE = `
name: mf
command: [node, train.mjs]
objective: {metric: val_accuracy, goal: maximize}
parameters:
  quality: {type: float, min: 0.5, max: 1}
`;

const hyperband = configFrom(`${BASE}
strategy: hyperband
resource: {name: epochs, min: 1, max: 9, eta: 3}
budget: {max_trials: 40, parallel: 9}
`);

/** The curve trainer's accuracy after e epochs (test/fixtures/curve-trainer.mjs). */
const accuracy = (q: number, e: number) => Number((q * (1 - 0.5 ** e)).toFixed(6));

function curve(q: number, from: number, to: number): Intermediate[] {
  return Array.from({ length: to - from }, (_, i) => ({
    step: from + i + 1,
    values: { val_accuracy: accuracy(q, from + i + 1) },
  }));
}

function outcome(trialId: number, fields: Partial<Attempt> & Pick<Attempt, "status">): Attempt {
  return {
    trialId,
    attempt: 1,
    durationMs: 1200,
    exitCode: fields.status === "failed" ? 1 : 0,
    signal: null,
    metrics: {},
    intermediate: [],
    logTail: "",
    ...fields,
  } as Attempt;
}

/** Opens a round of these trials and records what `result` says each run did (undefined: still running). */
function round(
  study: Study,
  fresh: NewTrial[],
  result: (trialId: number, member: number | undefined) => Attempt | undefined,
): Study {
  const opened = openRound(study, fresh, []);
  let s = markRunning(
    opened.study,
    opened.runs.map((r) => r.trialId),
  );
  for (const r of opened.runs) {
    const a = result(r.trialId, r.member);
    if (a) s = recordAttempt(s, r.member === undefined ? a : { ...a, member: r.member });
  }
  return s;
}

/**
 * Bracket 0 of hyperband (η 3, epochs 1 → 3 → 9) run to its end by hand, each
 * promoted trial resuming its parent's checkpoint, and bracket 1 under way:
 * 5 trials at 3 epochs, 2 of them finished.
 */
function hyperbandStudy(): Study {
  const quality = new Map<number, number>();
  const resourceOf = new Map<number, [from: number, to: number]>();
  const succeed = (id: number) => {
    const [from, to] = resourceOf.get(id)!;
    const q = quality.get(id)!;
    return outcome(id, { status: "succeeded", value: accuracy(q, to), intermediate: curve(q, from, to) });
  };
  let study = createStudy(hyperband);
  const rung0 = Array.from({ length: 9 }, (_, i) => 0.5 + 0.05 * i);
  rung0.forEach((q, id) => {
    quality.set(id, q);
    resourceOf.set(id, [0, 1]);
  });
  study = round(
    study,
    rung0.map((q) => ({ params: { quality: q }, resource: 1, ...placedAt(0, 0) })),
    succeed,
  );
  // The best three of rung 0 (trials 8, 7, 6) go on at 3 epochs as trials 9, 10, 11.
  [8, 7, 6].forEach((parent, i) => {
    quality.set(9 + i, quality.get(parent)!);
    resourceOf.set(9 + i, [1, 3]);
  });
  study = round(
    study,
    [8, 7, 6].map((parent) => ({
      params: { quality: quality.get(parent)! },
      resource: 3,
      ...placedAt(0, 1),
      parent,
    })),
    succeed,
  );
  quality.set(12, 0.9);
  resourceOf.set(12, [3, 9]);
  for (let id = 13; id < 18; id++) {
    quality.set(id, 0.6 + 0.02 * (id - 13));
    resourceOf.set(id, [0, 3]);
  }
  return round(
    study,
    [
      { params: { quality: 0.9 }, resource: 9, ...placedAt(0, 2), parent: 9 },
      ...[13, 14, 15, 16, 17].map((id) => ({
        params: { quality: quality.get(id)! },
        resource: 3,
        ...placedAt(1, 0),
      })),
    ],
    (id) => (id <= 14 ? succeed(id) : undefined),
  );
}

/** Six trials of `random` with the median rule: 4 ran 9 epochs, trials 4 and 5 were pruned at step 4. */
function prunedStudy(): { config: Config; study: Study } {
  const config = configFrom(`${BASE}
strategy: random
resource: {name: epochs, min: 1, max: 9}
early_stopping: {rule: median, min_trials: 3}
budget: {max_trials: 6, parallel: 6}
`);
  const qs = [0.9, 0.95, 0.85, 0.92, 0.6, 0.55];
  const study = round(
    createStudy(config),
    qs.map((q) => ({ params: { quality: q }, resource: 9 })),
    (id) => {
      const q = qs[id]!;
      if (id < 4) return outcome(id, { status: "succeeded", value: accuracy(q, 9), intermediate: curve(q, 0, 9) });
      return outcome(id, {
        status: "pruned",
        value: accuracy(q, 4),
        intermediate: curve(q, 0, 4),
        reason: `pruned at step 4: best val_accuracy so far ${accuracy(q, 4)} is worse than the median 0.86 of earlier trials (early_stopping: median)`,
      });
    },
  );
  return { config, study };
}

/** Three repeats per trial; trial 0's second repeat fails. */
function membersStudy(): { config: Config; study: Study } {
  const config = configFrom(`${BASE}
repeats: 3
budget: {max_trials: 2, parallel: 2}
`);
  const values = [
    [0.91, undefined, 0.93],
    [0.8, 0.81, 0.82],
  ];
  const study = round(
    createStudy(config),
    [{ params: { quality: 0.9 } }, { params: { quality: 0.8 } }],
    (id, member) => {
      const v = values[id]![member!];
      return v === undefined
        ? outcome(id, { status: "failed", reason: "exited with code 1: CUDA out of memory" })
        : outcome(id, { status: "succeeded", value: v });
    },
  );
  return { config, study };
}

const row = (md: string, trial: number) =>
  md.split("\n").find((l) => new RegExp(`^\\| (\\d+ )?\\| ${trial} \\|`).test(l));

describe("multi-fidelity trial table", () => {
  it("shows each trial's resource and rung, and which trial a promotion continues", () => {
    const md = resultsTable(hyperband, hyperbandStudy());
    assert.match(md, /^\| # \| trial \| status \| val_accuracy \| epochs \| rung \| quality \| time \| note \|/);
    assert.equal(row(md, 12), "| 1 | 12 | succeeded ★ | 0.8982 | 9 | b0·r2 | 0.9 | 1.2s | from trial 9 |");
    assert.equal(row(md, 9), "| 2 | 9 | succeeded | 0.7875 | 3 | b0·r1 | 0.9 | 1.2s | from trial 8 |");
    assert.equal(row(md, 0), "| 15 | 0 | succeeded | 0.25 | 1 | b0·r0 | 0.5 | 1.2s | |");
    assert.equal(row(md, 17), "| | 17 | running | – | 3 | b1·r0 | 0.68 | | |");
  });

  it("leaves the resource out when every trial ran the same, and the rung out without hyperband", () => {
    const { config, study } = prunedStudy();
    const md = resultsTable(config, study);
    assert.match(md, /^\| # \| trial \| status \| val_accuracy \| quality \| time \| note \|/);
  });

  it("shows a pruned trial as pruned, with the step and the best value it reached", () => {
    const { config, study } = prunedStudy();
    const md = resultsTable(config, study);
    assert.equal(row(md, 4), "| | 4 | pruned | – | 0.6 | 1.2s | pruned at step 4, best val_accuracy 0.5625 |");
    assert.equal(countsLine(study), "6 trials in 1 rounds, 4 succeeded, 2 pruned");
  });

  it("shows the mean of the members with its spread and how many of them it rests on", () => {
    const { config, study } = membersStudy();
    const md = resultsTable(config, study);
    assert.equal(
      row(md, 0),
      "| 1 | 0 | succeeded ★ | 0.92 ± 0.014 (2/3) | 0.9 | 1.2s | seed 1: exited with code 1: CUDA out of memory |",
    );
    assert.equal(row(md, 1), "| 2 | 1 | succeeded | 0.81 ± 0.01 (3/3) | 0.8 | 1.2s | |");
    assert.equal(countsLine(study), "2 trials in 1 rounds (each 3 repeats), 2 succeeded");
    assert.match(bestSnippet(config, study)!, /^# best: trial 0, val_accuracy = 0\.92 \(mean of 2 of 3 runs\)\n/);
  });

  it("names members by what varies", () => {
    assert.equal(memberLabel({ repeats: 2, folds: 2 }, 2), "seed 1 fold 0");
    assert.equal(memberLabel({ repeats: 1, folds: 5 }, 3), "fold 3");
    assert.equal(memberLabel({ repeats: 3, folds: 1 }, 1), "seed 1");
    assert.equal(memberLabel({ repeats: 1, folds: 1 }, undefined), "");
  });

  it("shows a single member without a spread", () => {
    const { config, study } = membersStudy();
    const one = { ...study.trials[1]!, attempts: study.trials[1]!.attempts.slice(0, 1) };
    assert.equal(fmtTrialValue(config, one), "0.8 (1/3)");
  });
});

describe("rungs section", () => {
  it("lists every rung of each bracket: resource, trials, promotions and the best", () => {
    const md = rungsSection(hyperband, hyperbandStudy())!;
    assert.equal(
      md,
      [
        "### Rungs",
        "",
        "hyperband, η = 3: each rung continues the best 1/3 of its trials with 3× the epochs.",
        "",
        "| bracket | rung | epochs | trials | promoted | best |",
        "| -: | -: | -: | -: | :- | :- |",
        "| 0 | 0 | 1 | 9/9 | 8, 7, 6 | 0.45 (trial 8) |",
        "| 0 | 1 | 3 | 3/3 | 9 | 0.7875 (trial 9) |",
        "| 0 | 2 | 9 | 1/1 | – | 0.8982 (trial 12) |",
        "| 1 | 0 | 3 | 5/5 (3 running) | not yet | 0.5425 (trial 14) |",
      ].join("\n"),
    );
  });

  it("is left out without hyperband", () => {
    const { config, study } = prunedStudy();
    assert.equal(rungsSection(config, study), undefined);
  });
});

describe("learning curves", () => {
  it("starts a promoted trial's curve with the steps its ancestors ran", () => {
    const study = hyperbandStudy();
    const points = trialCurve(study, study.trials[12]!, "val_accuracy");
    assert.deepEqual(
      points.map((p) => p.step),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.equal(points[0]!.value, accuracy(0.9, 1));
  });

  it("averages the members at each step, leaving out members that failed", () => {
    const config = configFrom(`${BASE}
folds: 3
budget: {max_trials: 1, parallel: 1}
`);
    const points = (a: number, b: number) => [
      { step: 1, values: { val_accuracy: a } },
      { step: 2, values: { val_accuracy: b } },
    ];
    const study = round(createStudy(config), [{ params: { quality: 0.9 } }], (id, member) =>
      member === 2
        ? outcome(id, { status: "failed", reason: "exited with code 1", intermediate: points(0, 0) })
        : outcome(id, { status: "succeeded", value: 0.5, intermediate: member ? points(0.3, 0.6) : points(0.5, 0.8) }),
    );
    assert.deepEqual(trialCurve(study, study.trials[0]!, "val_accuracy"), [
      { step: 1, value: 0.4 },
      { step: 2, value: 0.7 },
    ]);
  });

  it("draws the best trials and the ones hyperband left behind, each line ending where its trial did", () => {
    const md = learningCurvesSection(hyperband, hyperbandStudy())!;
    const chart = md.slice(md.indexOf("```mermaid"), md.indexOf("```", md.indexOf("```mermaid") + 3) + 3);
    const lines = chart.split("\n").filter((l) => l.startsWith("  line "));
    assert.match(
      chart,
      /^```mermaid\nxychart-beta\n {2}title "val_accuracy by step"\n {2}x-axis "step" \[1, 2, 3, 4, 5, 6, 7, 8, 9\]\n/,
    );
    assert.deepEqual(
      lines.map((l) => l.slice(0, l.indexOf("["))),
      ['  line "trial 12" ', '  line "trial 14" ', '  line "trial 13" ', '  line "trial 10" ', '  line "trial 11" '],
    );
    assert.equal(
      lines[0],
      `  line "trial 12" [${[1, 2, 3, 4, 5, 6, 7, 8, 9].map((e) => accuracy(0.9, e)).join(", ")}]`,
    );
    assert.equal(lines[3], '  line "trial 10" [0.425, 0.6375, 0.74375]');
    assert.match(
      md,
      /Lines in order: the best trials 12, 14, 13; stopped early: 10 \(not promoted past epochs 3\), 11 \(not promoted past epochs 3\)\./,
    );
    assert.match(md, /\| step \| trial 12 \| trial 14 \| trial 13 \| trial 10 \| trial 11 \|\n/);
    assert.match(md, /\n\| 9 \| 0\.8982 \| \| \| \| \|\n/);
  });

  it("draws pruned trials up to the step they were pruned at", () => {
    const { config, study } = prunedStudy();
    const md = learningCurvesSection(config, study)!;
    assert.match(md, /\n {2}line "trial 4" \[0\.3, 0\.45, 0\.525, 0\.5625\]\n/);
    assert.match(md, /stopped early: 4 \(pruned at step 4\), 5 \(pruned at step 4\)\./);
    assert.equal(md.split("\n").filter((l) => l.startsWith("  line ")).length, 6);
  });

  it("samples long curves at a regular stride, keeping the last step", () => {
    const config = configFrom(`${BASE}
budget: {max_trials: 2, parallel: 2}
`);
    const study = round(createStudy(config), [{ params: { quality: 0.9 } }, { params: { quality: 0.8 } }], (id) =>
      outcome(id, { status: "succeeded", value: 0.5, intermediate: curve(id ? 0.8 : 0.9, 0, 100) }),
    );
    const md = learningCurvesSection(config, study)!;
    const axis = md.split("\n").find((l) => l.startsWith("  x-axis"))!;
    assert.equal(axis, `  x-axis "step" [${Array.from({ length: 34 }, (_, i) => 1 + 3 * i).join(", ")}]`);
    const line = md.split("\n").find((l) => l.startsWith('  line "trial 0"'))!;
    assert.equal(line.split(", ").length, 34);
  });

  it("is left out when no trial reported two steps", () => {
    const { config, study } = membersStudy();
    assert.equal(learningCurvesSection(config, study), undefined);
  });
});

describe("charts", () => {
  it("writes numbers xychart can parse: no exponents", () => {
    assert.equal(mermaidNumber(1.5e-4), "0.00015");
    assert.equal(mermaidNumber(-2.5e-7), "-0.00000025");
    assert.equal(mermaidNumber(0.123456789), "0.123457");
    assert.equal(mermaidNumber(12345678.9), "12345679");
  });

  it("samples a long convergence line down to at most 100 points", () => {
    const config = configFrom(`${BASE}
budget: {max_trials: 1000, parallel: 200}
`);
    const study = round(
      createStudy(config),
      Array.from({ length: 1000 }, (_, i) => ({ params: { quality: i / 1000 } })),
      (id) => outcome(id, { status: "succeeded", value: id / 1000 }),
    );
    const chart = mermaidConvergence(config, study)!;
    const line = chart.split("\n").find((l) => l.startsWith("  line"))!;
    const values = line.slice(line.indexOf("[") + 1, -1).split(", ");
    assert.equal(values.length, 100);
    assert.equal(values[0], "0");
    assert.equal(values.at(-1), "0.999");
    assert.match(chart, /x-axis "trial" 1 --> 1000/);
  });
});

describe("markdown report with multi-fidelity sections", () => {
  const study = hyperbandStudy();
  const full = markdownReport(hyperband, study);

  it("has the rungs and learning curves in the report", () => {
    const order = ["### Best configuration", "### Convergence", "### Rungs", "### Learning curves", "### Trials"];
    const at = order.map((h) => full.indexOf(h));
    assert.ok(
      at.every((i, k) => i > (at[k - 1] ?? -1)),
      `sections in order: ${at}`,
    );
    assert.match(full, /# best: trial 12, val_accuracy = 0\.898242 at epochs 9\n/);
  });

  it("leaves out the learning curves first when the comment is too long, keeping every row", () => {
    const md = markdownReport(hyperband, study, { maxChars: full.length - 1 });
    assert.doesNotMatch(md, /### Learning curves/);
    assert.match(md, /### Rungs/);
    assert.match(md, /### Convergence/);
    assert.doesNotMatch(md, /more trials not shown/);
  });

  it("keeps the summary, best configuration and top rows when nothing else fits", () => {
    const md = markdownReport(hyperband, study, { maxChars: 1000 });
    assert.ok(md.length <= 1000, `${md.length} characters`);
    assert.doesNotMatch(md, /### (Learning curves|Rungs|Convergence)/);
    assert.match(md, /### Best configuration/);
    assert.match(md, /\| 1 \| 12 \| succeeded ★ \|/);
    assert.match(md, /_\d+ more trials not shown\._/);
  });
});

describe("progress lines", () => {
  /** The lines a local run prints for these runs, recorded in order into `study`. */
  function printed(config: Config, study: Study, runs: readonly Attempt[]): string[] {
    let out = "";
    const progress = createProgress(config, { write: (s: string) => (out += s) }, false);
    const unrecorded = study.trials.map((t) =>
      t.attempts.some((a) => runs.includes(a))
        ? { ...t, status: "running" as const, attempts: t.attempts.filter((a) => !runs.includes(a)) }
        : t,
    );
    let s: Study = { ...study, trials: unrecorded };
    for (const a of runs) {
      s = recordAttempt(s, a);
      progress.trialFinished(s, a);
    }
    progress.close();
    return out.trimEnd().split("\n");
  }

  it("names the rung, the trial a promotion continues and the resource", () => {
    const study = hyperbandStudy();
    const [line] = printed(hyperband, study, [study.trials[12]!.attempts[0]!]);
    assert.equal(line, "trial 12 [b0·r2 from #9] val_accuracy=0.8982 (1.2s) ★ new best  [15/40]  epochs=9 quality=0.9");
  });

  it("names each member, and gives the trial's value once the last one is in", () => {
    const { config, study } = membersStudy();
    const lines = printed(config, study, study.trials[0]!.attempts);
    assert.deepEqual(lines, [
      "trial 0 [seed 0] val_accuracy=0.91 (1.2s)  [1/2]  quality=0.9",
      "trial 0 [seed 1] failed: exited with code 1: CUDA out of memory (1.2s)  [1/2]  quality=0.9",
      "trial 0 [seed 2] val_accuracy=0.93 → 0.92 ± 0.014 (2/3) (1.2s) ★ new best  [2/2]  quality=0.9",
    ]);
  });

  it("says a pruned trial was pruned, and at which step", () => {
    const { config, study } = prunedStudy();
    const [line] = printed(config, study, study.trials[5]!.attempts);
    assert.equal(line, "trial 5 pruned at step 4, best val_accuracy 0.5156 (1.2s)  [6/6]  epochs=9 quality=0.55");
  });
});

describe("parameter importance in a hyperband study", () => {
  it("compares values of one resource: the largest that enough trials ran at, and says which", () => {
    const section = importanceSection(hyperband, hyperbandStudy())!;
    // Nine trials finished at 1 epoch, five at 3 and one at 9: a value after 1 epoch is not mixed with one after 3.
    assert.match(section, /fitted to the 5 finished trials at epochs 3\)/);
    assert.match(section, /\| quality +\| 100% ± 0% +\| 100% ± 0% +\|/, "the only parameter explains everything");
  });
});

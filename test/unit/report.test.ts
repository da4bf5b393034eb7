import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planRound } from "../../src/engine/plan.ts";
import { importanceView } from "../../src/report/importance.ts";
import { COMMENT_LIMIT, markdownReport } from "../../src/report/markdown.ts";
import { rankedTrials } from "../../src/report/table.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy, recordAttempt } from "../../src/study/study.ts";
import { configFrom } from "../helpers/config.ts";

const config = configFrom(`
name: big
command: [x]
objective: {metric: loss, goal: minimize}
metrics: {record: [acc]}
parameters:
  lr: {type: float, min: 0.0001, max: 1, scale: log}
  opt: {type: categorical, values: [sgd, adam]}
  width: {type: int, min: 1, max: 100}
strategy: random
budget: {max_trials: 3000, parallel: 256}
`);

/** A study of n trials whose loss depends on lr and the optimizer; every 10th fails. */
function studyOf(n: number): Study {
  let study = createStudy({ ...config, budget: { ...config.budget, max_trials: n } });
  const cfg = { ...config, budget: { ...config.budget, max_trials: n } };
  while (study.trials.length < n) {
    const plan = planRound(cfg, study);
    if (plan.kind === "done") break;
    study = plan.study;
    for (const r of plan.runs) {
      const p = study.trials[r.trialId]!.params;
      const base = {
        trialId: r.trialId,
        attempt: 1,
        durationMs: 1234,
        exitCode: 0,
        signal: null,
        intermediate: [],
        logTail: "",
      };
      study = recordAttempt(
        study,
        r.trialId % 10 === 9
          ? {
              ...base,
              status: "failed",
              reason: "exited with code 1: CUDA out of memory | really",
              exitCode: 1,
              metrics: {},
            }
          : {
              ...base,
              status: "succeeded",
              value: Math.abs(Math.log10(Number(p.lr)) + 2) + (p.opt === "sgd" ? 0.5 : 0),
              metrics: { acc: 0.9 },
            },
      );
    }
  }
  return study;
}

describe("markdown report", () => {
  it("stays under GitHub's comment limit with 3000 trials, and says how many rows it left out", () => {
    const study = studyOf(3000);
    const full = markdownReport(config, study);
    assert.ok(full.length > COMMENT_LIMIT, "the full report would not fit");
    const md = markdownReport(config, study, { maxChars: COMMENT_LIMIT, fullReportUrl: "https://example.test/run" });
    assert.ok(md.length <= COMMENT_LIMIT, `${md.length} characters`);
    const shown = md.split("\n").filter((l) => /^\| \d* +\| \d+ /.test(l)).length;
    assert.ok(shown > 100, `only ${shown} rows`);
    assert.match(
      md,
      new RegExp(`_${3000 - shown} more trials not shown\\._ The full table is in the \\[job summary\\]`),
    );
    assert.match(md, /### Best configuration/);
    // The table's tail goes before any section: the convergence chart (sampled to 100 points) stays.
    assert.match(md, /### Convergence\n\n```mermaid\n/);
  });

  it("ranks the best first, failures last, and escapes pipes in reasons", () => {
    const study = studyOf(20);
    const ranked = rankedTrials(study, "minimize");
    const values = ranked
      .map((t) => t.attempts[0]!)
      .filter((a) => a.status === "succeeded")
      .map((a) => a.value);
    assert.deepEqual(
      values,
      [...values].sort((a, b) => a - b),
    );
    assert.equal(ranked.at(-1)!.status, "failed");
    const md = markdownReport(config, study);
    assert.match(md, /CUDA out of memory \\\| really/);
    assert.match(md, /<details><summary>Convergence as a table/);
  });

  it("shows a reason's markup as text: a forged result cannot put a link or an HTML comment in the study's comment", () => {
    const study = studyOf(10);
    const failed = study.trials[9]!;
    const forged = "[approve](https://example.com) <!-- matrix-tune:bot=e30= --> <img src=x>";
    const attempt = { ...failed.attempts[0]!, status: "failed" as const, reason: forged };
    const md = markdownReport(config, {
      ...study,
      trials: [...study.trials.slice(0, 9), { ...failed, attempts: [attempt] }],
    });
    const row = md.split("\n").find((l) => l.includes("approve"))!;
    assert.ok(
      row.includes("\\[approve\\](https://example.com) \\<!-- matrix-tune:bot=e30= --\\> \\<img src=x\\>"),
      row,
    );
    assert.ok(!/(^|[^\\])(\[approve\]|<!--|<img)/.test(row), row);
  });

  it("ranks the parameters that mattered: lr (best in the middle of its range), then opt; width not at all", () => {
    const view = importanceView(config, studyOf(60))!;
    const ranked = view.objectives[0]!.importance.parameters;
    assert.deepEqual(
      ranked.map((p) => p.name),
      ["lr", "opt", "width"],
    );
    assert.ok(ranked[0]!.total > 0.6, `lr explains ${ranked[0]!.total}`);
    assert.ok(ranked[2]!.total < 0.03, `width explains ${ranked[2]!.total}`);
    const md = markdownReport(config, studyOf(60));
    assert.match(md, /### Parameter importance\n\nShare of the variance of `loss`/);
    assert.match(
      md,
      /x-axis \[lr, opt, width\]\n {2}y-axis "% of variance \(total\)" 0 --> 100\n {2}bar \[\d+, \d+, [0-2]\]/,
    );
  });
});

describe("table cells", () => {
  it("a | or a line break in a value or a reason stays inside its cell", () => {
    const cfg = configFrom(`
name: pipes
command: [x]
objective: {metric: loss, goal: minimize}
parameters:
  mode: {type: categorical, values: ["a|b", "two\\nlines"]}
strategy: grid
budget: {max_trials: 2, parallel: 2}
`);
    const plan = planRound(cfg, createStudy(cfg));
    assert.equal(plan.kind, "round");
    let study = plan.kind === "round" ? plan.study : createStudy(cfg);
    const common = { attempt: 1, durationMs: 5, exitCode: 0, signal: null, intermediate: [], logTail: "", metrics: {} };
    study = recordAttempt(study, { ...common, trialId: 0, status: "succeeded", value: 1 });
    study = recordAttempt(study, { ...common, trialId: 1, status: "failed", reason: "bad | input\nsecond line" });
    const text = markdownReport(cfg, study);
    const table = text.split("\n").filter((l) => l.startsWith("|") && /succeeded|failed/.test(l));
    assert.equal(table.length, 2, text);
    const columns = (row: string) => row.split(/(?<!\\)\|/).length;
    const header = text.split("\n").find((l) => l.startsWith("| #") || l.startsWith("|  #") || /^\|\s*#/.test(l))!;
    for (const row of table) assert.equal(columns(row), columns(header), row);
    assert.match(text, /a\\\|b/);
  });
});

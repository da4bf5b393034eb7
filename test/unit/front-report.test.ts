import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setDoneOutputs } from "../../src/action/outputs.ts";
import type { Config } from "../../src/config/schema.ts";
import { frontView } from "../../src/report/front.ts";
import { mermaidFront } from "../../src/report/front-chart.ts";
import { studyJson, studyJsonSchema } from "../../src/report/json.ts";
import { markdownReport } from "../../src/report/markdown.ts";
import { bestTrial } from "../../src/study/best.ts";
import { configFrom } from "../helpers/config.ts";
import { type Measure, moStudy, threeObjectives } from "../helpers/mo-study.ts";

function config(extra = "", latency = "latency_ms"): Config {
  return configFrom(`
name: mo
command: [x]
objective:
  - {metric: ${JSON.stringify(latency)}, goal: minimize}
  - {metric: accuracy, goal: maximize}
constraints: [{metric: memory_gb, max: 4}]
parameters:
  width: {type: int, min: 1, max: 100}
  depth: {type: int, min: 1, max: 8}
strategy: random
seed: 3
budget: {max_trials: 16, parallel: 4}
${extra}`);
}

/** Latency and accuracy both grow with width × depth (a trade-off); memory with width alone. */
const measure =
  (latency = "latency_ms", memoryPerWidth = 1 / 20): Measure =>
  (p) => {
    const size = Number(p.width) * Number(p.depth);
    return {
      [latency]: size * 0.1 + 2,
      accuracy: 1 - 1 / (1 + size / 50),
      memory_gb: Number(p.width) * memoryPerWidth,
    };
  };

/** The rows of the markdown table under `heading`, as cells. */
function tableUnder(md: string, heading: string): string[][] {
  const section = md.slice(md.indexOf(heading));
  const lines = section.split("\n").filter((l) => l.startsWith("|"));
  const end = lines.findIndex((l, i) => i > 0 && !section.includes(`${lines[i - 1]}\n${l}`));
  return (end < 0 ? lines : lines.slice(0, end)).slice(2).map((l) =>
    l
      .slice(1, -1)
      .split(" | ")
      .map((c) => c.trim()),
  );
}

describe("the report of a multi-objective study", () => {
  const cfg = config();
  const study = moStudy(cfg, measure());

  it("shows the front with the chosen trial first, the rest by the first objective, and what the constraint ruled out", () => {
    const md = markdownReport(cfg, study);
    const view = frontView(cfg, study);
    const rows = tableUnder(md, "### Pareto front");
    assert.equal(rows.length, view.front.length);
    assert.ok(view.front.length > 2);
    const chosen = bestTrial(cfg, study)!;
    assert.equal(rows[0]![0], `${chosen.id} ★`);
    const latencies = rows.slice(1).map((r) => Number(r[1]));
    assert.deepEqual(
      latencies,
      [...latencies].sort((a, b) => a - b),
    );
    // Every front member is feasible and no feasible trial dominates it.
    for (const r of rows) {
      const t = study.trials[Number.parseInt(r[0]!, 10)]!;
      assert.ok(t.attempts[0]!.metrics.memory_gb! <= 4);
    }
    assert.match(md, /\| trial \| latency_ms ↓ \| accuracy ↑ \| width \| depth \|/);
    const infeasible = study.trials.filter((t) => t.attempts[0]!.metrics.memory_gb! > 4).length;
    assert.ok(infeasible > 0);
    assert.match(md, new RegExp(`${infeasible} of 16 trials with a result missed \`memory_gb ≤ 4\``));
    assert.match(md, /objectives: minimize `latency_ms`, maximize `accuracy` · subject to `memory_gb ≤ 4`/);
    assert.match(
      md,
      /### Chosen configuration\n\n```yaml\n# chosen: trial \d+ of the Pareto front, latency_ms = [\d.]+, accuracy = [\d.]+\n/,
    );
    // The trials table marks the front and the infeasible trials, with every objective's column.
    const trials = tableUnder(md, "### Trials");
    assert.equal(trials.filter((r) => r[2] === "succeeded (infeasible)").length, infeasible);
    assert.equal(trials.filter((r) => r[2] === "succeeded (front)").length, view.front.length - 1);
    assert.equal(trials[0]![1], String(chosen.id));
    assert.match(md, /\| # \| trial \| status \| latency_ms ↓ \| accuracy ↑ \| memory_gb \|/);
  });

  it("says how close the nearest trial came when none met the constraints", () => {
    const none = moStudy(cfg, measure("latency_ms", 1));
    const md = markdownReport(cfg, none);
    const closest = Math.min(...none.trials.map((t) => Number(t.params.width)));
    const id = none.trials.find((t) => t.params.width === closest)!.id;
    assert.match(
      md,
      new RegExp(`No trial met \`memory_gb ≤ 4\`; the closest \\(trial ${id}\\) missed by ${closest - 4}\\.`),
    );
    assert.match(md, /_No feasible trial has a result for every objective yet\._/);
    assert.match(md, /_No trial has succeeded yet\._|No trial/);
  });

  it("draws the front in a quadrantChart whose labels cannot break out of the chart", () => {
    const hostile = 'p95 "lat`ency"; %%{init}%% <b>\n```';
    const c = config("", hostile);
    const s = moStudy(c, measure(hostile));
    const chart = mermaidFront(c, frontView(c, s))!;
    const lines = chart.split("\n");
    assert.equal(lines[0], "```mermaid");
    assert.equal(lines[1], "quadrantChart");
    assert.equal(lines.at(-1), "```");
    assert.equal(chart.match(/```/g)!.length, 2, "no fence inside");
    for (const l of lines.slice(2, -1)) {
      // Every statement is a title, an axis or a point, each string quoted once and free of quotes inside.
      assert.match(
        l,
        /^ {2}(title [^"]*|[xy]-axis "[^"]*" --> "[^"]*"|"\d+( ★)?": \[(0(\.\d+)?|1), (0(\.\d+)?|1)\]( radius: 3, color: #9e9e9e)?)$/,
        l,
      );
      for (const text of l.startsWith("  title") ? [l] : l.match(/"[^"]*"/g)!) assert.doesNotMatch(text, /[<>%;`]/);
    }
    assert.match(chart, /x-axis "p95 'lat'ency' \{init\} b ''' [\d.]+" --> "[\d.]+ \(lower is better\)"/);
    assert.ok(
      lines.some((l) => / ★": \[/.test(l)),
      "the chosen trial is marked",
    );
    // And the markdown tables escape the name where it heads a column.
    const md = markdownReport(c, s);
    const prose = md.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
    assert.doesNotMatch(prose, /(?<!\\)<b>/, "outside code, the tag is escaped");
    assert.equal(md.match(/^```/gm)!.length % 2, 0, "every fence is closed");
  });

  it("draws hypervolume as the convergence chart, and keeps a front of three objectives to its first two", () => {
    const md = markdownReport(cfg, study);
    assert.match(
      md,
      /### Convergence\n\n```mermaid\nxychart-beta\n {2}title "Hypervolume of the feasible front so far"/,
    );
    const values = [...md.matchAll(/^\| (\d+) +\| ([\d.]+) +\|$/gm)].map((m) => Number(m[2]));
    assert.ok(values.length > 1);
    assert.deepEqual(
      values,
      [...values].sort((a, b) => a - b),
      "hypervolume never falls",
    );
    assert.ok(values.at(-1)! <= 1);
    const three = threeObjectives(8);
    const s = moStudy(three, (p) => ({ a: Number(p.x), b: Number(p.x) ** 2, c: 1 - Number(p.x) }));
    const md3 = markdownReport(three, s);
    assert.match(md3, /_The chart shows the first two of the 3 objectives; the table above has them all\._/);
    assert.match(md3, /\| trial \| +a ↓ \| +b ↑ \| +c ↓ \| x +\| y +\|/);
  });

  it("puts the front, the objectives and the constraints in report --json, best being the chosen trial", () => {
    const json = studyJsonSchema.parse(studyJson(study));
    const view = frontView(cfg, study);
    assert.equal(json.version, 1);
    assert.deepEqual(json.objectives, [
      { metric: "latency_ms", goal: "minimize", target: null },
      { metric: "accuracy", goal: "maximize", target: null },
    ]);
    assert.deepEqual(json.constraints, [{ metric: "memory_gb", min: null, max: 4 }]);
    assert.deepEqual(
      json.front!.map((f) => f.trial),
      view.front.map((s) => s.trial.id),
    );
    assert.deepEqual(
      json.front!.map((f) => f.chosen),
      view.front.map((_, i) => i === 0),
    );
    const first = json.front![0]!;
    assert.equal(json.best!.trial, first.trial);
    assert.deepEqual(first.values, {
      latency_ms: study.trials[first.trial]!.attempts[0]!.metrics.latency_ms,
      accuracy: study.trials[first.trial]!.attempts[0]!.metrics.accuracy,
    });
    assert.deepEqual(first.params, study.trials[first.trial]!.params);
  });

  it("sets the Action's front output beside best-params, which is the chosen trial's", () => {
    const outputs = new Map<string, string>();
    const write = process.stdout.write;
    const file = process.env.GITHUB_OUTPUT;
    delete process.env.GITHUB_OUTPUT;
    process.stdout.write = ((chunk: string) => {
      for (const m of String(chunk).matchAll(/::set-output name=([\w-]+)::(.*)/g)) outputs.set(m[1]!, m[2]!);
      return true;
    }) as typeof process.stdout.write;
    try {
      setDoneOutputs(cfg, study);
    } finally {
      process.stdout.write = write;
      if (file !== undefined) process.env.GITHUB_OUTPUT = file;
    }
    const front = JSON.parse(outputs.get("front")!);
    assert.equal(front[0].chosen, true);
    assert.equal(outputs.get("best-trial"), String(front[0].trial));
    assert.deepEqual(JSON.parse(outputs.get("best-params")!), front[0].params);
  });
});

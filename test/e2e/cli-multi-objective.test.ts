/**
 * A multi-objective, constrained study run locally as users run it: real
 * trial processes writing every objective and the constrained metric, the
 * report with the front, `report --json` and best.json giving a feasible
 * front trial.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../helpers/cli.ts";

// A model whose width buys accuracy with latency; over 40 ms does not ship.
const TRAIN = `
const width = Number(process.argv[2]);
const depth = Number(process.argv[3]);
const accuracy = 1 - 0.5 / Math.sqrt(width) - 0.05 / depth;
const latency_ms = 0.5 * width + 4 * depth;
require("node:fs").writeFileSync(process.env.TUNE_METRICS_FILE, JSON.stringify({ accuracy, latency_ms }));
`;

describe("matrix-tune run with two objectives and a limit", () => {
  it("runs the study, shows the front, and chooses a feasible trial on it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mt-mo-"));
    writeFileSync(join(dir, "train.cjs"), TRAIN);
    writeFileSync(
      join(dir, "tune.yml"),
      `name: front
command: [node, train.cjs, "\${width}", "\${depth}"]
objective:
  - {metric: accuracy, goal: maximize}
  - {metric: latency_ms, goal: minimize}
constraints: [{metric: latency_ms, max: 40}]
parameters:
  width: {type: int, min: 1, max: 100}
  depth: {type: int, min: 1, max: 4}
strategy: bayes
budget: {max_trials: 12, parallel: 4}
`,
    );
    const stateDir = join(dir, "state");
    const r = await runCli(["run", join(dir, "tune.yml"), "--state-dir", stateDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /12 trials in 3 rounds, 12 succeeded/);

    const json = JSON.parse((await runCli(["report", join(stateDir, "state.json"), "--json"])).stdout);
    assert.deepEqual(
      json.objectives.map((o: { metric: string }) => o.metric),
      ["accuracy", "latency_ms"],
    );
    const front = json.front as { trial: number; values: Record<string, number>; chosen: boolean }[];
    assert.ok(front.length >= 1);
    for (const p of front) assert.ok(p.values.latency_ms! <= 40, `front trial ${p.trial} is within the limit`);
    // No point of the front dominates another.
    for (const a of front)
      for (const b of front)
        assert.ok(
          !(a.values.accuracy! >= b.values.accuracy! && a.values.latency_ms! < b.values.latency_ms!) ||
            a.trial === b.trial,
        );
    assert.equal(front[0]!.chosen, true);
    assert.equal(json.best.trial, front[0]!.trial);

    const best = JSON.parse(readFileSync(join(stateDir, "best.json"), "utf8"));
    assert.equal(best.trial, front[0]!.trial);
    const report = readFileSync(join(stateDir, "report.md"), "utf8");
    assert.match(report, /### Pareto front/);
    assert.match(report, /quadrantChart/);
    assert.match(report, /latency_ms ≤ 40/);
  });
});

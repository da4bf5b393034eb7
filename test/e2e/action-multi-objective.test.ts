/**
 * A study with two objectives and a constraint through the simulated Action:
 * every trial job records both objectives and the constrained metric, the
 * report chooses a feasible trial of the front, and the comment shows the
 * front as a table and a chart.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { paretoFront } from "../../src/pareto/front.ts";
import { scoreTrials } from "../../src/pareto/scores.ts";
import { studySchema } from "../../src/study/schema.ts";
import { configFrom } from "../helpers/config.ts";
import { GitHubPlayer, pullRequestEvent } from "../helpers/github-play.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/github-server.ts";
import { digitsRepo } from "../helpers/repo.ts";

const PR = 15;

describe("the Action with several objectives", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  it("records every objective, chooses a feasible front trial, and shows the front in the comment", async () => {
    gh.addPull({ number: PR, head: { ref: "feature/smaller-model" }, base: { ref: "main" } });
    const repo = digitsRepo("", "compare: off\n");
    const file = join(repo, "tune.yml");
    const text = readFileSync(file, "utf8").replace(
      "objective: {metric: val_accuracy, goal: maximize}",
      [
        "objective:",
        "  - {metric: val_accuracy, goal: maximize}",
        "  - {metric: weights, goal: minimize}",
        "constraints: [{metric: weights, max: 3000}]",
      ].join("\n"),
    );
    writeFileSync(file, text);
    const play = new GitHubPlayer(gh, repo);
    const last = await play.untilDone({ inputs: {}, event: pullRequestEvent(PR) });

    // Read as the engine reads it, so the front below is the one the report computed.
    const state = studySchema.parse(play.state(last.runId));
    const config = configFrom(text);
    assert.equal(state.trials.length, 6);
    for (const t of state.trials) {
      const metrics = t.attempts[0]!.metrics;
      assert.ok(metrics.val_accuracy !== undefined && metrics.weights !== undefined, `trial ${t.id} has both`);
    }
    // 32 nodes: (64+1)·32 + (32+1)·10 = 2410 weights; 64 nodes: 4810, over the limit.
    const front = paretoFront(scoreTrials(config, state.trials));
    assert.ok(front.length >= 1);
    assert.ok(
      front.every((s) => s.values[1]! <= 3000),
      "the front is feasible",
    );

    const report = last.report!;
    assert.equal(report.code, 0, report.stdout);
    const chosen = JSON.parse(report.outputs["best-params"]!);
    assert.ok(
      front.some((s) => JSON.stringify(s.trial.params) === JSON.stringify(chosen)),
      "the chosen trial is on the front",
    );
    // The front output: the same trials, the chosen one first.
    const output = JSON.parse(report.outputs.front!) as { trial: number; params: unknown; chosen: boolean }[];
    assert.deepEqual(output.map((p) => p.trial).sort(), front.map((s) => s.trial.id).sort());
    assert.deepEqual([output[0]!.chosen, output[0]!.params], [true, chosen]);

    const body = gh.comments.find((c) => c.body?.includes("<!-- matrix-tune:study=digits -->"))!.body!;
    assert.match(body, /6 trials in 2 rounds, 6 succeeded/);
    assert.match(body, /Pareto front/);
    assert.match(body, /quadrantChart/);
    assert.match(body, /weights ≤ 3000/);
  });
});

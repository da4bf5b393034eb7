/**
 * `matrix-tune run --warm-start`: a new study starts from another study's
 * directory (round 1 re-runs its best, the report says what it learned from),
 * and a study that has started refuses one.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { Study } from "../../src/study/schema.ts";
import { ROOT, runCli } from "../helpers/cli.ts";

function repo(name: string, lrMax: number): string {
  const dir = mkdtempSync(join(tmpdir(), "mt-warm-local-"));
  cpSync(join(ROOT, "test/fixtures/objective.mjs"), join(dir, "objective.mjs"));
  writeFileSync(
    join(dir, "tune.yml"),
    `name: ${name}
command: [node, objective.mjs]
objective: {metric: loss, goal: minimize}
parameters:
  lr: {type: float, min: 0.001, max: ${lrMax}, scale: log}
  layers: {type: int, min: 1, max: 4}
  optimizer: {type: categorical, values: [sgd, adam]}
strategy: tpe
budget: {max_trials: 6, parallel: 2}
`,
  );
  return dir;
}

const state = (dir: string, name: string): Study =>
  JSON.parse(readFileSync(join(dir, ".matrix-tune", name, "state.json"), "utf8"));

describe("matrix-tune run --warm-start", () => {
  it("starts a new study from another's directory, and refuses one for a study that has started", async () => {
    const base = repo("base", 0.1);
    const first = await runCli(["run", join(base, "tune.yml"), "--no-progress"]);
    assert.equal(first.code, 0, first.stderr);
    const baseStudy = state(base, "base");
    const best = [...baseStudy.trials].sort(
      (a, b) => (a.attempts[0] as { value: number }).value - (b.attempts[0] as { value: number }).value,
    );

    const pr = repo("pr", 0.2);
    const from = join(base, ".matrix-tune", "base");
    const warm = await runCli(["run", join(pr, "tune.yml"), "--no-progress", "--warm-start", from]);
    assert.equal(warm.code, 0, warm.stderr);
    assert.match(
      warm.stderr,
      new RegExp(
        `Warm start from ${from.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/state\\.json \\(study base\\): learned from 6 of its 6 trials`,
      ),
    );
    const study = state(pr, "pr");
    assert.deepEqual(
      study.trials.slice(0, 2).map((t) => t.params),
      best.slice(0, 2).map((t) => t.params),
    );
    assert.equal(study.trials.length, 6);
    assert.deepEqual(study.warmStart?.reran, [0, 1]);
    assert.match(warm.stdout, /trials 0, 1 re-ran its best 2 configurations/);

    const again = await runCli(["run", join(pr, "tune.yml"), "--no-progress", "--resume", "--warm-start", from]);
    assert.equal(again.code, 4);
    assert.match(again.stderr, /holds a study that has started: a warm start applies to a new one/);
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT, runCli } from "../helpers/cli.ts";

const example = join(ROOT, "examples/digits-mlp/tune.yml");

describe("matrix-tune on the digits example", () => {
  it("runs a small study of the real MLP and beats the default hyperparameters", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "mt-digits-"));
    const r = await runCli(["run", example, "--max-trials", "8", "--parallel", "4", "--state-dir", stateDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /round 1: trials 0, 1, 2, 3/);
    assert.match(r.stderr, /trial \d val_accuracy=0\.\d+ .*\[\d\/8\]/, "one progress line per trial");
    assert.match(r.stdout, /8 trials in 2 rounds, 8 succeeded/);
    assert.match(r.stdout, /Stopped: all 8 trials ran/);
    const state = JSON.parse(readFileSync(join(stateDir, "state.json"), "utf8"));
    const values: number[] = state.trials.map((t: { attempts: { value: number }[] }) => t.attempts[0]!.value);
    const baseline = values[0]!;
    assert.ok(Math.max(...values) > baseline + 0.05, `best ${Math.max(...values)} vs default ${baseline}`);
    assert.match(r.stdout, /Best vs baseline \(defaults, trial 0\): val_accuracy 0\.8\d+ → 0\.9\d+/);
    // Intermediate values per epoch were read from the trainer's output lines.
    assert.ok(state.trials[0].attempts[0].intermediate.length >= 10);
    // Runner time runs from taking a slot to recording the result: never less than the process's own.
    for (const { attempts } of state.trials as { attempts: { durationMs: number; runnerMs: number }[] }[])
      assert.ok(attempts[0]!.runnerMs >= attempts[0]!.durationMs && attempts[0]!.durationMs > 0);
    assert.ok(Date.parse(state.startedAt) <= Date.now(), "the study's start is recorded");
    const report = readFileSync(join(stateDir, "report.md"), "utf8");
    assert.match(report, /Runner time: \d+\.\d runner-min, \d+% outside the training process, [\dms.]+ per trial\./);
    assert.match(report, /```mermaid\nxychart-beta/);
    assert.match(report, /```yaml\n# best: trial \d+, val_accuracy = /);

    const again = await runCli(["report", join(stateDir, "state.json"), "--markdown"]);
    assert.equal(again.code, 0);
    assert.equal(again.stdout.trimEnd(), report.trimEnd());
  });
});

describe("matrix-tune commands and exit codes", () => {
  const dir = mkdtempSync(join(tmpdir(), "mt-cli-"));
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it("validate describes the space and counts grid points", async () => {
    const r = await runCli([
      "validate",
      write(
        "grid.yml",
        `name: g\ncommand: [node, x.mjs]\nobjective: {metric: m, goal: minimize}\nstrategy: grid\nparameters:\n  a: {type: int, min: 1, max: 4}\n  b: {type: categorical, values: [x, y, z]}\n`,
      ),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /grid points: 12/);
    assert.match(r.stdout, /\| a +\| int +\| \[1, 4\]/);
  });

  it("an invalid config exits 2 with file:line:col", async () => {
    const file = write(
      "bad.yml",
      `name: b\ncommand: [x]\nobjective: {metric: m, goal: minimize}\nparameters:\n  lr: {type: float, min: 1, max: 0.1}\n`,
    );
    for (const cmd of ["validate", "run", "plan"]) {
      const r = await runCli([cmd, file]);
      assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /bad\.yml:5:\d+: parameters\.lr\.min: min must be less than max/);
    }
  });

  it("bad arguments exit 2 with a message", async () => {
    const r = await runCli(["run", example, "--parallel", "zero"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--parallel must be a whole number/);
  });

  it("plan --json prints the GitHub matrix of the next round", async () => {
    const r = await runCli(["plan", example, "--json", "--state-dir", mkdtempSync(join(tmpdir(), "mt-plan-"))]);
    assert.equal(r.code, 0, r.stderr);
    const matrix = JSON.parse(r.stdout);
    assert.equal(matrix.include.length, 4);
    assert.deepEqual(Object.keys(matrix.include[0]).sort(), [
      "attempt",
      "id",
      "params",
      "round",
      "study",
      "trial",
      "v",
    ]);
    assert.equal(matrix.include[0].params.lr, 0.01, "the baseline's defaults come first");
  });

  it("a study in which no trial succeeds exits 3", async () => {
    const file = write(
      "fails.yml",
      `name: f\ncommand: [node, -e, "process.exit(3)"]\nobjective: {metric: m, goal: minimize}\nparameters:\n  a: {type: float, min: 0, max: 1}\nbudget: {max_trials: 2, parallel: 2}\n`,
    );
    const r = await runCli(["run", file]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /exited with code 3/);
    assert.match(r.stdout, /No trial succeeded/);
  });

  it("an unexpected error exits 1 with a stack trace that names src/ files and lines (source maps)", async () => {
    const file = write(
      "unexpected.yml",
      `name: u\ncommand: [node, -e, "0"]\nobjective: {metric: m, goal: minimize}\nparameters:\n  a: {type: float, min: 0, max: 1}\n`,
    );
    // A study directory inside a file: mkdir fails with ENOTDIR, which no handler expects.
    const r = await runCli(["run", file, "--state-dir", join(file, "study")]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ENOTDIR/);
    assert.match(r.stderr, /\n +at .*\bsrc\/[\w/-]+\.ts:\d+:\d+\)?\n/);
    assert.doesNotMatch(r.stderr, /\bat .*\.bundle\.js:\d+/, "no frame left in the bundle");
  });

  it("report on a config without a saved study says how to make one", async () => {
    const r = await runCli(["report", join(dir, "grid.yml")]);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /no study saved at .*matrix-tune run/);
  });
});

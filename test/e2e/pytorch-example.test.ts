/**
 * examples/pytorch trained for real on the CPU: examples/pytorch/smoke.yml
 * through the bundled CLI, hyperband over epochs with two repeats per
 * configuration, the promoted trial resuming each seed's parent checkpoint.
 *
 * The trial's command is `python3`, as a user's would be: the test puts the
 * first interpreter that can import torch first on PATH (the one on PATH, else
 * Debian's /usr/bin/python3 with python3-torch), and fails, never skips, when
 * there is none: `.ci/run` installs python3-torch through scripts/system-deps.sh.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { describe, it } from "node:test";
import { ROOT, runCli } from "../helpers/cli.ts";

interface Attempt {
  member?: number;
  status: string;
  value?: number;
  reason?: string;
  intermediate: { step: number; values: Record<string, number> }[];
}
interface Trial {
  id: number;
  status: string;
  resource?: number;
  parent?: number;
  attempts: Attempt[];
}

/** A python3 that imports torch: the one on PATH, else Debian's. */
function torchPython(): string {
  const candidates = ["python3", "/usr/bin/python3"];
  for (const py of candidates) {
    const r = spawnSync(py, ["-c", "import sys, torch; print(sys.executable)"], { encoding: "utf8" });
    if (r.status === 0) return r.stdout.trim();
  }
  throw new Error(
    "PyTorch is not importable by python3 on PATH nor by /usr/bin/python3: install Debian's python3-torch " +
      "(scripts/system-deps.sh python3-torch, as .ci/run does) or `pip install torch`",
  );
}

describe("examples/pytorch", () => {
  it("tunes the digits MLP on the CPU: hyperband with repeats, promoted trials resume checkpoints", async () => {
    const python = torchPython();
    const stateDir = join(mkdtempSync(join(tmpdir(), "mt-torch-")), "state");
    const r = await runCli(["run", join(ROOT, "examples/pytorch/smoke.yml"), "--state-dir", stateDir], {
      env: { PATH: `${dirname(python)}${delimiter}${process.env.PATH}` },
    });
    assert.equal(r.code, 0, r.stderr);
    const { trials } = JSON.parse(readFileSync(join(stateDir, "state.json"), "utf8")) as { trials: Trial[] };
    assert.deepEqual(
      trials.map((t) => [t.status, t.resource]),
      [
        ["succeeded", 2],
        ["succeeded", 2],
        ["succeeded", 2],
        ["succeeded", 6],
      ],
    );
    for (const t of trials) {
      assert.deepEqual(t.attempts.map((a) => a.member).sort(), [0, 1], `trial ${t.id} ran each of its 2 repeats`);
      const values = t.attempts.map((a) => a.value!);
      // Ten digits: chance is 0.1, and two epochs of SGD already do far better.
      for (const v of values) assert.ok(v > 0.5, `trial ${t.id}: val_accuracy ${v}`);
    }
    const promoted = trials[3]!;
    const parent = trials.find((t) => t.id === promoted.parent)!;
    const best = (t: Trial) => t.attempts.reduce((s, a) => s + a.value!, 0) / t.attempts.length;
    assert.equal(best(parent), Math.max(...trials.slice(0, 3).map(best)), "the best rung-0 trial was promoted");
    for (const a of promoted.attempts) {
      const log = readFileSync(join(stateDir, "trials", `${promoted.id}-1-${a.member}`, "log.txt"), "utf8");
      assert.match(log, /^resumed from epoch=2$/m, `member ${a.member} resumed its parent's checkpoint`);
      assert.deepEqual(
        a.intermediate.map((p) => p.step),
        [3, 4, 5, 6],
      );
      assert.ok(existsSync(join(stateDir, "trials", `${parent.id}-1-${a.member}`, "checkpoint", "checkpoint.pt")));
    }
    for (const t of trials.slice(0, 3))
      for (const a of t.attempts)
        assert.deepEqual(
          a.intermediate.map((p) => p.step),
          [1, 2],
        );
  });
});

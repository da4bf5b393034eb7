/**
 * Python trials written with python/matrix_tune.py, run by the bundled CLI as
 * real processes: final metrics and per-step curves as the runner reads them,
 * a trial pruned mid-run by the median rule, a checkpoint saved by a failed
 * attempt and resumed by its retry, a W&B program that runs unchanged but for
 * its import line, and a parameter the program cannot take.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT, runCli } from "../helpers/cli.ts";

interface Attempt {
  attempt: number;
  status: "succeeded" | "failed" | "pruned";
  value?: number;
  reason?: string;
  metrics: Record<string, number>;
  intermediate: { step: number; values: Record<string, number> }[];
  logTail: string;
}
interface State {
  trials: { id: number; status: string; params: Record<string, number | string>; attempts: Attempt[] }[];
  stop?: { code: string; message: string };
}

/** A temporary study: the config and trial scripts given, run with the helper on PYTHONPATH. */
function study(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "mt-py-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const stateDir = join(dir, "state");
  return {
    dir,
    run: () =>
      runCli(["run", join(dir, "tune.yml"), "--state-dir", stateDir], {
        env: { PYTHONPATH: join(ROOT, "python") },
      }),
    state: (): State => JSON.parse(readFileSync(join(stateDir, "state.json"), "utf8")),
    file: (path: string) => readFileSync(join(stateDir, path), "utf8"),
  };
}

// Accuracy q·step/4 after each of 4 steps; a low-quality trial then waits for its
// pruning, so only being stopped by the runner (not the timeout) lets it end in time.
const CURVE_TRIAL = `import time
import matrix_tune as mt

p = mt.params(defaults={"quality": 0.5, "label": "x"})
for step in range(1, 5):
    acc = p["quality"] * step / 4
    mt.report(step=step, val_accuracy=acc, loss=1 - acc, note="text is left out")
    if p["quality"] < 0.5:
        time.sleep(120)
mt.finish(val_accuracy=p["quality"], loss=1 - p["quality"], label_len=len(p["label"]))
`;

describe("python/matrix_tune.py through matrix-tune run", () => {
  it("reports final metrics and per-step curves, and a trial below the median is pruned mid-run", async () => {
    const s = study({
      "trial.py": CURVE_TRIAL,
      "tune.yml": `name: py-curves
command: [python3, trial.py]
timeout: 60
objective: {metric: val_accuracy, goal: maximize}
metrics: {record: [loss, label_len]}
parameters:
  quality: {type: categorical, values: [0.9, 0.8, 0.2]}
  label: {type: constant, value: abc}
strategy: grid
early_stopping: {rule: median, min_trials: 2, min_steps: 1}
budget: {max_trials: 3, parallel: 1, max_failures: 0}
`,
    });
    const r = await s.run();
    assert.equal(r.code, 0, r.stderr);
    const [a, b, c] = s.state().trials.map((t) => t.attempts.at(-1)!);
    for (const [attempt, q] of [
      [a!, 0.9],
      [b!, 0.8],
    ] as const) {
      assert.equal(attempt.status, "succeeded", attempt.reason);
      assert.equal(attempt.value, q);
      assert.deepEqual(attempt.metrics, { val_accuracy: q, loss: 1 - q, label_len: 3 });
      assert.deepEqual(
        attempt.intermediate.map((p) => [p.step, p.values.val_accuracy]),
        [1, 2, 3, 4].map((step) => [step, (q * step) / 4]),
      );
      // "note" was text: left out of the line, not a curve of its own.
      assert.deepEqual(Object.keys(attempt.intermediate[0]!.values).sort(), ["loss", "val_accuracy"]);
    }
    assert.equal(c!.status, "pruned", c!.reason);
    assert.match(c!.reason!, /^pruned at step 1: /);
    assert.deepEqual(
      c!.intermediate.map((p) => p.step),
      [1],
    );
  });

  it("a retry resumes from the checkpoint its failed attempt saved (pickle and raw bytes)", async () => {
    const s = study({
      "trial.py": `import os
import matrix_tune as mt

state = mt.load_checkpoint(default={"step": 0, "total": 0})
tag = mt.load_checkpoint("tag.bin", raw=True)
if state["step"]:
    print(f"resumed at step {state['step']} with tag {tag!r}", flush=True)
for step in range(state["step"] + 1, 5):
    state = {"step": step, "total": state["total"] + step}
    mt.report(step=step, total=state["total"])
    mt.save_checkpoint(state)
    mt.save_checkpoint(b"attempt " + os.environ["TUNE_ATTEMPT"].encode(), "tag.bin")
    if step == 2 and os.environ["TUNE_ATTEMPT"] == "1":
        raise SystemExit("lost the machine")
mt.finish(total=state["total"])
`,
      "tune.yml": `name: py-retry
command: [python3, trial.py]
objective: {metric: total, goal: maximize}
parameters:
  unused: {type: constant, value: 1}
strategy: grid
budget: {max_trials: 1, parallel: 1, retries: 1}
`,
    });
    const r = await s.run();
    assert.equal(r.code, 0, r.stderr);
    const [first, second] = s.state().trials[0]!.attempts;
    assert.equal(first!.status, "failed");
    assert.match(first!.logTail, /lost the machine/);
    assert.deepEqual(
      first!.intermediate.map((p) => p.step),
      [1, 2],
    );
    assert.equal(second!.status, "succeeded", second!.reason);
    // 1+2 from the first attempt's checkpoint, 3+4 trained by the retry.
    assert.equal(second!.value, 10);
    assert.deepEqual(
      second!.intermediate.map((p) => [p.step, p.values.total]),
      [
        [3, 6],
        [4, 10],
      ],
    );
    assert.match(second!.logTail, /resumed at step 2 with tag b'attempt 1'/);
  });

  it("runs a W&B program whose only change is the import line, from a W&B sweep config", async () => {
    const original = `import argparse
import wandb

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.01)
parser.add_argument("--epochs", type=int, default=3)
args = parser.parse_args()

run = wandb.init(project="digits", entity="team", config=args, tags=["sweep"], mode="online")
config = wandb.config
wandb.define_metric("val_acc", summary="max")
wandb.watch(object(), log="all")
best = 0.0
for epoch in range(config.epochs):
    val_acc = config["lr"] * (epoch + 1)
    best = max(best, val_acc)
    wandb.log({"val_acc": val_acc, "epoch": epoch, "sample": wandb.Image("x.png")})
wandb.log({"val_loss": 1 - val_acc}, step=10)
wandb.log({"lr_used": config.lr}, step=10)
wandb.summary["best_val_acc"] = best
run.log_artifact(wandb.Artifact("model", type="model"))
wandb.finish()
`;
    const ported = original.replace("import wandb\n", "from matrix_tune import wandb\n");
    assert.equal(
      original.split("\n").filter((line, i) => line !== ported.split("\n")[i]).length,
      1,
      "one line differs",
    );
    const s = study({
      "train.py": ported,
      "tune.yml": `program: train.py
method: grid
metric: {name: val_acc, goal: maximize}
parameters:
  lr: {values: [0.1, 0.2]}
`,
    });
    const r = await s.run();
    assert.equal(r.code, 0, r.stderr);
    const trials = s.state().trials;
    assert.deepEqual(
      trials.map((t) => t.params.lr),
      [0.1, 0.2],
    );
    for (const t of trials) {
      const a = t.attempts[0]!;
      const lr = t.params.lr as number;
      assert.equal(a.status, "succeeded", a.reason);
      // The sweep's lr, not the program's default, and epochs from the program's defaults.
      assert.equal(a.value, lr * 3);
      assert.deepEqual(
        a.intermediate.slice(0, -1).map((p) => [p.step, p.values.val_acc]),
        [
          [0, lr],
          [1, lr * 2],
          [2, lr * 3],
        ],
      );
      // Step 10 gathers both of its log calls into one point; "epoch" is a metric here, "step" is the step.
      assert.deepEqual(a.intermediate.at(-1), { step: 10, values: { val_loss: 1 - lr * 3, lr_used: lr } });
      assert.deepEqual(JSON.parse(s.file(`trials/${t.id}-1/metrics.json`)), {
        val_acc: lr * 3,
        epoch: 2,
        val_loss: 1 - lr * 3,
        lr_used: lr,
        best_val_acc: lr * 3,
      });
      const log = s.file(`trials/${t.id}-1/log.txt`);
      for (const feature of ["wandb.define_metric", "wandb.watch", "wandb.Image", "wandb.Artifact", "run.log_artifact"])
        assert.match(
          log,
          new RegExp(`matrix_tune\\.wandb: ${feature.replace(".", "\\.")} does nothing under matrix-tune`),
        );
    }
  });

  it("a parameter the program cannot take fails the trial with a message naming the file and field", async () => {
    const s = study({
      "trial.py": `import matrix_tune as mt

p = mt.params(defaults={"layers": 2, "lr": 0.1})
mt.finish(acc=p["layers"] * p["lr"])
`,
      "tune.yml": `name: py-bad
command: [python3, trial.py]
objective: {metric: acc, goal: maximize}
parameters:
  layers: {type: categorical, values: [two]}
  lr: {type: constant, value: 0.5}
strategy: grid
budget: {max_trials: 1, parallel: 1}
`,
    });
    const r = await s.run();
    assert.equal(r.code, 3, r.stderr);
    const attempt = s.state().trials[0]!.attempts[0]!;
    assert.equal(attempt.status, "failed");
    assert.match(attempt.reason!, /code 2/);
    const params = join(s.dir, "state", "trials", "0-1", "params.json");
    assert.ok(
      attempt.logTail.includes(
        `matrix_tune: ${params}: field "layers" is "two"; expected an integer (the program's default is 2)`,
      ),
      attempt.logTail,
    );
  });
});

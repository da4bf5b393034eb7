/** A small repository to tune: the digits trainer and a 6-trial study, as a job would check it out. */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./cli.ts";

/** `extra` is appended inside `budget: {…}`; `top` adds top-level YAML. */
export function digitsRepo(extra = "", top = ""): string {
  const dir = mkdtempSync(join(tmpdir(), "mt-repo-"));
  mkdirSync(join(dir, "model"));
  cpSync(join(ROOT, "examples/digits-mlp/train.mjs"), join(dir, "model/train.mjs"));
  cpSync(join(ROOT, "examples/digits-mlp/data"), join(dir, "model/data"), { recursive: true });
  writeFileSync(
    join(dir, "tune.yml"),
    `name: digits
command: [node, train.mjs, "--lr=\${lr}", "--momentum=\${momentum}", "--nodes=\${nodes}", --epochs=4]
workdir: model
objective: {metric: val_accuracy, goal: maximize}
metrics: {record: [val_loss]}
parameters:
  lr: {type: float, min: 0.01, max: 0.5, scale: log, default: 0.01}
  momentum: {type: float, min: 0, max: 0.9, default: 0}
  nodes: {type: int, min: 16, max: 64, default: 32}
strategy: sobol
baseline: true
runs_on: [self-hosted, gpu]
budget: {max_trials: 6, parallel: 3${extra}}
${top}`,
  );
  return dir;
}

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { loadConfig, parseConfig } from "../../src/config/load.ts";
import { ROOT } from "../helpers/cli.ts";

it("every example's config is valid", () => {
  const dirs = readdirSync(join(ROOT, "examples"));
  assert.ok(dirs.length >= 2);
  const files = dirs.flatMap((d) =>
    readdirSync(join(ROOT, "examples", d))
      .filter((f) => f.endsWith(".yml"))
      .map((f) => join(ROOT, "examples", d, f)),
  );
  assert.ok(files.some((f) => f.endsWith("digits-mlp/hyperband.yml")));
  for (const file of files) {
    const { config } = loadConfig(file);
    assert.ok(Object.keys(config.parameters).length > 0, file);
  }
});

it("the multi-fidelity examples say what they show", () => {
  const hyperband = loadConfig(join(ROOT, "examples/digits-mlp/hyperband.yml")).config;
  assert.deepEqual([hyperband.strategy, hyperband.sampler, hyperband.resource?.name], ["hyperband", "tpe", "epochs"]);
  // One full iteration of 1..27 by 3 fits the budget.
  assert.equal(hyperband.budget.max_trials, 69);
  const cv = loadConfig(join(ROOT, "examples/digits-mlp/cross-validated.yml")).config;
  assert.deepEqual([cv.repeats, cv.folds, cv.early_stopping?.rule], [2, 5, "median"]);
});

it("the README's config reference example is a valid config", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /```yaml\n(name: digits-mlp[\s\S]*?)```/.exec(readme);
  assert.ok(block, "the README has the reference example");
  const { config } = parseConfig(block[1]!, "README.md");
  assert.equal(config.strategy, "bayes");
  assert.ok(config.parameters.momentum?.when);
});

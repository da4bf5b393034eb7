import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { loadConfig, parseConfig } from "../../src/config/load.ts";
import { ROOT } from "../helpers/cli.ts";

it("every example's tune.yml is a valid config", () => {
  const dirs = readdirSync(join(ROOT, "examples"));
  assert.ok(dirs.length >= 2);
  for (const d of dirs) {
    const { config } = loadConfig(join(ROOT, "examples", d, "tune.yml"));
    assert.ok(Object.keys(config.parameters).length > 0, d);
  }
});

it("the README's config reference example is a valid config", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const block = /```yaml\n(name: digits-mlp[\s\S]*?)```/.exec(readme);
  assert.ok(block, "the README has the reference example");
  const { config } = parseConfig(block[1]!, "README.md");
  assert.equal(config.strategy, "bayes");
  assert.ok(config.parameters.momentum?.when);
});

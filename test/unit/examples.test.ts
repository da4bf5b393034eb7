import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import { loadConfig } from "../../src/config/load.ts";
import { ROOT } from "../helpers/cli.ts";

it("every example's tune.yml is a valid config", () => {
  const dirs = readdirSync(join(ROOT, "examples"));
  assert.ok(dirs.length >= 2);
  for (const d of dirs) {
    const { config } = loadConfig(join(ROOT, "examples", d, "tune.yml"));
    assert.ok(Object.keys(config.parameters).length > 0, d);
  }
});

import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { writeStudy } from "../../src/study/store.ts";
import { runCli } from "../helpers/cli.ts";
import { configFrom } from "../helpers/config.ts";
import { simulateStudy } from "../helpers/simulate.ts";

const configOf = (trials: number) =>
  configFrom(`
name: importance-cli
command: [x]
objective: {metric: loss, goal: minimize}
strategy: random
parameters:
  lr: {type: float, min: 0.0001, max: 1, scale: log}
  width: {type: int, min: 1, max: 100}
budget: {max_trials: ${trials}, parallel: 10}
`);

async function stateFile(trials: number): Promise<string> {
  const { study } = await simulateStudy(configOf(trials), (t) => (Math.log10(Number(t.params.lr)) + 2) ** 2);
  const path = join(mkdtempSync(join(tmpdir(), "mt-importance-")), "state.json");
  writeStudy(path, study);
  return path;
}

describe("matrix-tune report --importance", () => {
  it("prints the ranked table without the chart", async () => {
    const r = await runCli(["report", await stateFile(30), "--importance"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^### Parameter importance\n\n.*fitted to the 30 finished trials\)/);
    assert.match(r.stdout, /\| lr +\| \d+% ± \d+% +\| \d+% ± \d+% +\|\n\| width +\|/);
    assert.doesNotMatch(r.stdout, /mermaid/);
  });

  it("says how many trials it needs when there are too few", async () => {
    const r = await runCli(["report", await stateFile(3), "--importance"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Too few finished trials to say which parameters matter (at least 5 are needed).\n");
  });
});

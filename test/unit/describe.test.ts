import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeConfig } from "../../src/cli/describe.ts";
import { configFrom } from "../helpers/config.ts";

const head = `name: d
command: [node, t.mjs, "--epochs=\${epochs}"]
objective: {metric: acc, goal: maximize}
parameters:
  lr: {type: float, min: 0.001, max: 1, scale: log}
`;

describe("validate's description of multi-fidelity settings", () => {
  it("lists hyperband's brackets and what one iteration costs", () => {
    const text = describeConfig(
      configFrom(`${head}strategy: hyperband\nsampler: bayes\nresource: {name: epochs, min: 1, max: 9}\n`),
    );
    assert.match(text, /^resource: epochs from 1 to 9, η=3, new configurations from the bayes sampler$/m);
    assert.match(text, /^ {2}bracket s=2: 9×1 → 3×3 → 1×9$/m);
    assert.match(text, /^ {2}bracket s=0: 3×9$/m);
    assert.match(text, /^ {2}one iteration: 22 trials, 78 epochs without checkpoints$/m);
  });

  it("says other strategies train at the full resource, and names the stopping rule and members", () => {
    const text = describeConfig(
      configFrom(
        `${head}strategy: tpe\nresource: {name: epochs, min: 1, max: 9}\nearly_stopping: median\nrepeats: 2\nfolds: 5\n`,
      ),
    );
    assert.match(text, /^resource: every trial trains with epochs = 9$/m);
    assert.match(text, /^early stopping: median, from 1 reported steps, once 5 runs reported the step$/m);
    assert.match(text, /^each configuration runs 10 times \(2 repeats × 5 folds\); its value is the mean$/m);
    assert.doesNotMatch(
      describeConfig(configFrom(`${head.replace("--epochs=${epochs}", "x")}`)),
      /resource|runs \d+ times/,
    );
  });

  const plain = head.replace("--epochs=${epochs}", "x");
  it("says a continuous space is not a grid without walking it, and counts a huge int range up to the limit", () => {
    assert.match(
      describeConfig(configFrom(plain.replace("min: 0.001, max: 1, scale: log", "min: 0, max: 100000000"))),
      /^grid points: not a grid/m,
    );
    assert.match(
      describeConfig(
        configFrom(plain.replace("type: float, min: 0.001, max: 1, scale: log", "type: int, min: 0, max: 4294967296")),
      ),
      /^grid points: over 1000000$/m,
    );
  });
});

/**
 * A payload comes from another job: before its trial runs, it must be one the
 * config's plan could have written. Each refusal is one line naming the
 * parameter and what would be valid.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../src/config/load.ts";
import type { TrialPayload } from "../../src/protocol/payload.ts";
import { checkPayload } from "../../src/trial/payload.ts";

const { config } = parseConfig(
  `name: demo
command: [python, train.py, "--lr=\${lr}", "--opt=\${optimizer}", "--m=\${momentum}", "--layers=\${layers}", "--epochs=\${epochs}"]
objective: {metric: acc, goal: maximize}
parameters:
  lr: {type: float, min: 0.001, max: 0.1, scale: log}
  layers: {type: int, min: 1, max: 4}
  optimizer: {type: categorical, values: [sgd, adam]}
  momentum: {type: float, min: 0, max: 0.99, when: {optimizer: sgd}}
  arch: {type: constant, value: mlp}
strategy: hyperband
resource: {name: epochs, min: 1, max: 9}
repeats: 2
folds: 3
`,
  "tune.yml",
);

const good: TrialPayload = {
  v: 1,
  study: "demo",
  round: 1,
  trial: 3,
  attempt: 1,
  params: { lr: 0.01, layers: 2, optimizer: "sgd", momentum: 0.9, arch: "mlp", epochs: 3 },
  member: { index: 4, seed: 1, fold: 1, folds: 3 },
};

function refusal(change: (p: TrialPayload) => TrialPayload): string {
  try {
    checkPayload(config, change(structuredClone(good)));
  } catch (err) {
    const message = (err as Error).message;
    assert.ok(!message.includes("\n"), "one line");
    return message;
  }
  assert.fail("expected the payload to be refused");
}

const withParams = (params: TrialPayload["params"]) => (p: TrialPayload) => ({
  ...p,
  params: { ...p.params, ...params },
});

describe("checkPayload", () => {
  it("accepts what a plan writes, an inactive parameter left out", () => {
    checkPayload(config, good);
    const { momentum: _, ...adam } = good.params;
    checkPayload(config, { ...good, params: { ...adam, optimizer: "adam" } });
  });

  it("refuses another study", () => {
    assert.equal(
      refusal((p) => ({ ...p, study: "other" })),
      'the payload is for study "other", but the config is study "demo"',
    );
  });

  it("names an unknown parameter and lists the known ones", () => {
    assert.equal(
      refusal(withParams({ dropout: 0.1 })),
      'the payload does not fit the config: parameter "dropout" is not in the config\'s space (it has lr, layers, optimizer, momentum, arch, epochs)',
    );
  });

  it("names a value outside the range, a fraction for an int, and a category not listed", () => {
    assert.match(refusal(withParams({ lr: 0.5 })), /parameter "lr" is 0\.5: outside \[0\.001, 0\.1\]$/);
    assert.match(
      refusal(withParams({ lr: "0.01" })),
      /parameter "lr" is "0\.01": expected a number in \[0\.001, 0\.1\]$/,
    );
    assert.match(
      refusal(withParams({ layers: 2.5 })),
      /parameter "layers" is 2\.5: expected a whole number in \[1, 4\]$/,
    );
    assert.match(
      refusal(withParams({ optimizer: "rmsprop" })),
      /parameter "optimizer" is "rmsprop": expected one of "sgd", "adam"$/,
    );
    assert.match(refusal(withParams({ arch: "cnn" })), /parameter "arch" is "cnn": the config fixes it at "mlp"$/);
  });

  it("names a missing parameter, and one given where its condition does not hold", () => {
    assert.match(
      refusal((p) => {
        const { layers: _, ...rest } = p.params;
        return { ...p, params: rest };
      }),
      /parameter "layers" is missing \(expected a whole number in \[1, 4\]\)$/,
    );
    assert.match(
      refusal(withParams({ optimizer: "adam" })),
      /parameter "momentum" is given, but its `when` condition does not hold/,
    );
  });

  it("checks the resource against its range", () => {
    assert.match(refusal(withParams({ epochs: 27 })), /resource "epochs" is 27: expected a whole number in \[1, 9\]$/);
  });

  it("checks the member against repeats and folds", () => {
    assert.equal(
      refusal((p) => ({ ...p, member: { index: 6, seed: 2, fold: 0, folds: 3 } })),
      'the payload\'s member {"index":6,"seed":2,"fold":0,"folds":3} does not fit the config: members are 0..5 (repeats 2 × folds 3), member 6 being seed 2, fold 0 of 3',
    );
    assert.match(
      refusal((p) => ({ ...p, member: { index: 4, seed: 0, fold: 1, folds: 3 } })),
      /member 4 being seed 1, fold 1 of 3/,
    );
    assert.equal(
      refusal(({ member: _, ...p }) => p),
      "the payload has no member, but the config runs 6 per trial (repeats × folds)",
    );
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CURVES, curveShape, meanAccuracy } from "../../bench/curves.ts";
import { epochsToTarget, METHODS, renderTable, runCurveStudy, summarize } from "../../bench/mf-harness.ts";

const SGD_DEEP = { lr: 0.04, optimizer: "sgd", depth: 5, width: 256, dropout: 0.35, batch_size: 64 };
const ADAM_SHALLOW = { lr: 0.002, optimizer: "adam", depth: 2, width: 256, dropout: 0.1, batch_size: 64 };

describe("multi-fidelity benchmark", () => {
  it("curves are deterministic, bounded in noise, and rank slow starters last early and first late", () => {
    assert.equal(CURVES.accuracy(SGD_DEEP, 9, 3), CURVES.accuracy(SGD_DEEP, 9, 3));
    assert.notEqual(CURVES.accuracy(SGD_DEEP, 9, 3), CURVES.accuracy(SGD_DEEP, 9, 4));
    for (const e of [1, 3, 27, 81])
      assert.ok(Math.abs(CURVES.accuracy(SGD_DEEP, e, 0) - meanAccuracy(SGD_DEEP, e)) <= 0.002);
    assert.ok(meanAccuracy(ADAM_SHALLOW, 3) > meanAccuracy(SGD_DEEP, 3), "adam leads after 3 epochs");
    assert.ok(meanAccuracy(SGD_DEEP, 81) > meanAccuracy(ADAM_SHALLOW, 81), "sgd ends ahead");
    assert.ok(curveShape({ ...SGD_DEEP, lr: 1 }).diverged, "far too large a learning rate stays at chance");
  });

  it("every method spends the epoch budget, hyperband's promotions paying only the extra epochs", async () => {
    const opts = { seed: 1, budget: 400, parallel: 4 };
    const traces = await Promise.all(METHODS.map((m) => runCurveStudy(CURVES, m, opts)));
    for (const t of traces) {
      assert.ok(t.spent >= opts.budget && t.spent < opts.budget + CURVES.resource.max, t.method);
      assert.equal(t.events.at(-1)!.spent, t.spent);
      assert.equal(
        t.events.reduce((n, e) => n + e.cost, 0),
        t.spent,
      );
      if (t.method === "random" || t.method === "bayes")
        assert.ok(t.events.every((e) => e.resource === CURVES.resource.max && e.cost === e.resource));
      else
        assert.ok(
          t.events.some((e) => e.cost < e.resource),
          `${t.method} continues from checkpoints`,
        );
    }
    const result = summarize("curves", CURVES.resource as never, traces, {
      budget: 400,
      parallel: 4,
      tolerance: 0.005,
    });
    const best = traces.find((t) => t.events.some((e) => e.value === result.bestFound))!;
    assert.ok(epochsToTarget(best, result.target, 400)! <= 400);
    assert.equal(result.stats[0]!.method, "random");
    const table = renderTable(result);
    for (const m of METHODS) assert.match(table, new RegExp(`^\\| ${m.name.replace("+", "\\+")} \\|`, "m"));
  });
});

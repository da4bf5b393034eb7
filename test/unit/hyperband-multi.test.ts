import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Config } from "../../src/config/schema.ts";
import { driveStudy } from "../../src/driver/drive.ts";
import { evaluatedAttempt, inProcessBackend } from "../../src/driver/in-process.ts";
import type { Trial } from "../../src/protocol/trial.ts";
import { hyperbandBrackets } from "../../src/strategy/hyperband/brackets.ts";
import { placedAt, placementOf } from "../../src/strategy/hyperband/placement.ts";
import { promotedFrom } from "../../src/strategy/hyperband/schedule.ts";
import { bestTrial } from "../../src/study/best.ts";
import { createStudy, openRound, recordAttempt } from "../../src/study/study.ts";
import { configFrom } from "../helpers/config.ts";

const hb = configFrom(`
name: hb
command: [x]
objective: [{metric: f1, goal: minimize}, {metric: f2, goal: maximize}]
constraints: [{metric: c, max: 0}]
strategy: hyperband
resource: {name: epochs, min: 1, max: 9, eta: 3}
parameters:
  x: {type: float, min: 0, max: 1}
  y: {type: float, min: 0, max: 1}
budget: {max_trials: 60, parallel: 9}
`);
// The first bracket: 9 trials at 1 epoch, 3 of them at 3, 1 at 9.
const bracket = hyperbandBrackets(hb.resource!)[0]!;

/** A first rung of bracket 0 whose trials have these metrics (f2 is maximised), in order. */
function rung(config: Config, metrics: readonly { f1: number; f2: number; c: number }[]): Trial[] {
  const opened = openRound(
    createStudy(config),
    metrics.map((_, i) => ({ params: { x: i / 10, y: 0 }, resource: 1, ...placedAt(0, 0) })),
    [],
  );
  return opened.runs.reduce(
    (s, run, i) => recordAttempt(s, evaluatedAttempt(run, { value: metrics[i]!.f1, metrics: { ...metrics[i]! } })),
    opened.study,
  ).trials;
}

const ids = (trials: readonly Trial[]) => trials.map((t) => t.id).sort((a, b) => a - b);

describe("hyperband with several objectives and constraints", () => {
  it("promotes the rung's front: a dominated trial waits even when it is best at one objective", () => {
    const trials = rung(hb, [
      { f1: 0.15, f2: 0.05, c: 0 }, // 0: second best at f1, dominated by 3
      { f1: 0.5, f2: 0.5, c: 0 },
      { f1: 0.9, f2: 0.9, c: 0 },
      { f1: 0.1, f2: 0.1, c: 0 },
      { f1: 0.6, f2: 0.4, c: 0 }, // dominated by 1
      { f1: 0.95, f2: 0.85, c: 0 }, // dominated by 2
      { f1: 0.7, f2: 0.3, c: 0 },
      { f1: 0.8, f2: 0.2, c: 0 },
      { f1: 0.99, f2: 0.01, c: 0 },
    ]);
    assert.deepEqual(ids(promotedFrom(hb, bracket, trials, 1)), [1, 2, 3]);
  });

  it("promotes infeasible trials only after every feasible one, least violation first", () => {
    const trials = rung(hb, [
      { f1: 0.0, f2: 1.0, c: 3 }, // best at both objectives, far outside the constraint
      { f1: 0.9, f2: 0.1, c: 0 },
      { f1: 0.1, f2: 0.2, c: 0.5 },
      { f1: 0.2, f2: 0.3, c: 1 },
      { f1: 0.95, f2: 0.05, c: -2 },
      { f1: 0.3, f2: 0.4, c: 2 },
      { f1: 0.4, f2: 0.5, c: 4 },
      { f1: 0.5, f2: 0.6, c: 5 },
      { f1: 0.6, f2: 0.7, c: 6 },
    ]);
    assert.deepEqual(ids(promotedFrom(hb, bracket, trials, 1)), [1, 2, 4]);
  });

  it("with sampler tpe, a whole study runs and ends on a feasible trial", async () => {
    const config: Config = { ...hb, sampler: "tpe", seed: 4 };
    const backend = inProcessBackend((trial) => {
      const x = trial.params.x as number;
      const y = trial.params.y as number;
      const epochs = trial.resource ?? 9;
      const metrics = { f1: x + 1 / epochs, f2: 1 - (x - 0.5) ** 2 - y, c: y - 0.5 };
      return { value: metrics.f1, metrics };
    });
    const { study } = await driveStudy(config, createStudy(config), backend);
    assert.ok(
      study.trials.some((t) => placementOf(t)?.rung === 2),
      "some configuration reached the full resource",
    );
    const best = bestTrial(config, study);
    assert.ok(best && (best.params.y as number) <= 0.5, "the chosen trial meets the constraint");
  });
});

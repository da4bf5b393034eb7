/**
 * Runner time through a study: what the rounds cost, the forecast, money, and
 * the budgets that stop a study (runner-minutes, wall clock), with the round
 * that would cross the runner-minute budget shrunk rather than run whole.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Backend } from "../../src/driver/drive.ts";
import { driveStudy } from "../../src/driver/drive.ts";
import { evaluatedAttempt } from "../../src/driver/in-process.ts";
import type { Attempt } from "../../src/protocol/trial.ts";
import { studyJson, studyJsonSchema } from "../../src/report/json.ts";
import { markdownReport } from "../../src/report/markdown.ts";
import { affordableTrials, pricePerMinute, studyCost } from "../../src/study/cost.ts";
import { createStudy } from "../../src/study/study.ts";
import { configFrom } from "../helpers/config.ts";

const MIN = 60_000;

const configWith = (budget: string, extra = "") =>
  configFrom(`
name: c
command: [x]
objective: {metric: loss, goal: minimize}
parameters:
  a: {type: float, min: 0, max: 1}
strategy: random
runs_on: [self-hosted, gpu]
budget: {max_trials: 20, parallel: 4, ${budget}}
${extra}
`);

/** Every run trains for 4 minutes on a runner it holds for 5: a fifth of the time is spent outside training. */
function timedBackend(runnerMs = 5 * MIN, processMs = 4 * MIN): Backend<Attempt[]> {
  return {
    dispatch: (round, arrived) =>
      round.jobs.map((job) => {
        const attempt = {
          ...evaluatedAttempt({ trialId: job.trialId, attempt: job.attempt }, job.trialId / 100),
          durationMs: processMs,
          runnerMs,
        };
        arrived(attempt);
        return attempt;
      }),
    gather: (attempts) => ({ attempts }),
  };
}

const roundSizes = (study: { rounds: { runs: unknown[] }[] }) => study.rounds.map((r) => r.runs.length);

describe("runner time and its budgets", () => {
  it("stops a study at budget.max_runner_minutes, mid-budget, shrinking the round that would cross it", async () => {
    const config = configWith("max_runner_minutes: 32");
    const { study } = await driveStudy(config, createStudy(config), timedBackend());
    // Round 1 runs whole (no mean yet): 20 min. The 12 left pay for 2 trials at 5 min, not 4: 30 min.
    // The 2 left then pay for none, though 14 of the 20 trials remain.
    assert.deepEqual(roundSizes(study), [4, 2]);
    assert.equal(study.stop?.code, "max_runner_minutes");
    assert.equal(
      study.stop?.message,
      "30.0 runner-minutes spent of 32 (budget.max_runner_minutes): the 2.0 runner-minutes left pay for no trial at the mean of 5.0 runner-minutes",
    );
  });

  it("stops once the budget is spent, when trials turn out dearer than the forecast", async () => {
    const config = configWith("max_runner_minutes: 12");
    const { study } = await driveStudy(config, createStudy(config), timedBackend());
    assert.deepEqual(roundSizes(study), [4]);
    assert.match(study.stop!.message, /^20\.0 runner-minutes spent, the budget is 12 \(budget\.max_runner_minutes\)$/);
  });

  it("stops at budget.max_duration by the shell's clock, counted from the first round", async () => {
    const config = configWith("max_duration: 2h");
    let now = Date.parse("2026-03-01T08:00:00Z");
    const { study } = await driveStudy(config, createStudy(config), timedBackend(), {
      // An hour passes per round.
      now: () => {
        const t = now;
        now += 3_600_000;
        return t;
      },
    });
    assert.equal(study.startedAt, "2026-03-01T08:00:00.000Z");
    assert.deepEqual(roundSizes(study), [4, 4]);
    assert.equal(study.stop?.code, "max_duration");
    assert.match(study.stop!.message, /started 2\.0 h ago, longer than the 2\.0 h allowed \(budget\.max_duration\)/);
  });

  it("counts runner-minutes per round and in all, the share outside training, a forecast and money", async () => {
    const config = configWith("max_runner_minutes: 60", "cost: {per_minute: {self-hosted: 0.01, gpu: 0.07}}");
    const enough = new AbortController();
    const { study } = await driveStudy(config, createStudy(config), timedBackend(), {
      signal: enough.signal,
      roundStarted: (round) => {
        if (round.round === 2) enough.abort();
      },
    });
    const cost = studyCost(config, study);
    assert.deepEqual(
      cost.rounds.map((r) => [r.round, r.runnerMs / MIN, r.processMs / MIN]),
      [
        [1, 20, 16],
        [2, 20, 16],
      ],
    );
    assert.equal(cost.runnerMs, 40 * MIN);
    assert.equal(cost.outsideShare, 0.2);
    assert.equal(cost.trialMs, 5 * MIN);
    // 12 trials remain, but the 20 minutes left pay for 4 of them: one round.
    assert.deepEqual(cost.forecast, { trials: 4, rounds: 1, runnerMs: 20 * MIN });
    assert.deepEqual(cost.cap, { runnerMs: 60 * MIN, leftMs: 20 * MIN });
    // The dearest priced label of runs_on is the machine's price.
    assert.deepEqual(cost.price, { perMinute: 0.07, currency: "USD" });
    assert.equal(affordableTrials(config, study), 4);

    const report = markdownReport(config, study);
    assert.ok(
      report.includes(
        "Runner time: 40.0 runner-min, 20% outside the training process, 5m00s per trial · forecast: 4 more trials ≈ 20.0 runner-min in 1 round · budget 60.0, 20.0 left · ≈ 2.80 USD so far, ≈ 1.40 USD to go.",
      ),
      report,
    );
    assert.match(
      report,
      /\| round \| runner-min \| outside training \| USD +\|\n.*\n\| 1 +\| 20\.0 +\| 20% +\| 1\.40 +\|/,
    );
    const json = studyJsonSchema.parse(studyJson(study)).cost;
    assert.deepEqual(
      [json.runner_minutes, json.outside_share, json.forecast, json.money],
      [
        40,
        0.2,
        { trials: 4, rounds: 1, runner_minutes: 20 },
        { currency: "USD", spent: 40 * 0.07, forecast: 20 * 0.07 },
      ],
    );
  });

  it("runs the first round whole and never forecasts without a runner-minute budget or a mean", () => {
    const config = configWith("max_runner_minutes: 1");
    assert.equal(affordableTrials(config, createStudy(config)), undefined);
    assert.equal(affordableTrials(configWith("max_rounds: 3"), createStudy(config)), undefined);
    assert.equal(studyCost(config, createStudy(config)).forecast, undefined);
    assert.equal(pricePerMinute(config), undefined);
  });

  it("stands in process time for runner time a state from before it was recorded lacks", async () => {
    const config = configWith("max_rounds: 1");
    const backend = timedBackend();
    const old: Backend<Attempt[]> = {
      dispatch: (round, arrived) => backend.dispatch(round, ({ runnerMs: _, ...a }) => arrived(a)) as Attempt[],
      gather: (attempts) => ({ attempts: attempts.map(({ runnerMs: _, ...a }) => a) }),
    };
    const { study } = await driveStudy(config, createStudy(config), old);
    const cost = studyCost(config, study);
    assert.equal(cost.runnerMs, 16 * MIN);
    assert.equal(cost.outsideShare, undefined);
    // Nothing measured and no budget or price: the reports say nothing of runner time.
    assert.doesNotMatch(markdownReport(config, study), /Runner time/);
  });
});

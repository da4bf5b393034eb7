/**
 * Runner time on GitHub: the report job reads each trial job's start and end
 * from the jobs API, and a study with budget.max_runner_minutes stops by it,
 * its last round shrunk to what the minutes left pay for.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GitHubPlayer, pullRequestEvent } from "../helpers/github-play.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/github-server.ts";
import { digitsRepo } from "../helpers/repo.ts";

const PR = 11;

describe("the Action's runner time", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  it("takes each job's time from the jobs API, shows runner-minutes and money, and stops at max_runner_minutes", async () => {
    gh.addPull({ number: PR, head: { ref: "feature/cost" }, base: { ref: "main" } });
    const play = new GitHubPlayer(
      gh,
      digitsRepo(", max_runner_minutes: 50", "compare: off\ncost: {per_minute: {gpu: 0.07}}\n"),
    );
    // Every trial job holds its runner for 10 minutes, most of it setting up: the trainer takes seconds.
    play.jobTimes = (_entry, [run]) => {
      const start = Date.parse("2026-03-01T08:00:00Z") + run!.trial * 3_600_000;
      return { started_at: new Date(start).toISOString(), completed_at: new Date(start + 600_000).toISOString() };
    };
    const last = await play.untilDone({ inputs: {}, event: pullRequestEvent(PR) });

    // Round 1: 3 trials, 30 runner-minutes. The 20 left pay for 2 trials of 10, not 3; then none.
    assert.deepEqual(
      play.runs.map((r) => r.jobs.length),
      [3, 2],
    );
    const state = play.state(last.runId);
    assert.equal(state.stop?.code, "max_runner_minutes");
    for (const t of state.trials) {
      const a = t.attempts[0]!;
      assert.equal(a.runnerMs, 600_000, `trial ${t.id}'s runner time is its job's`);
      assert.ok(a.durationMs > 0 && a.durationMs < 600_000, `trial ${t.id}'s process time is its own`);
    }

    const body = gh.comments.find((c) => c.body?.includes("<!-- matrix-tune:study=digits -->"))!.body!;
    assert.match(body, /Stopped: 50\.0 runner-minutes spent, the budget is 50 \(budget\.max_runner_minutes\)\./);
    assert.match(
      body,
      /Runner time: 50\.0 runner-min, (9\d|100)% outside the training process, 10m00s per trial · budget 50\.0, 0\.0 left · ≈ 3\.50 USD so far\./,
    );
    assert.match(body, /\| 1 +\| 30\.0 +\|.*\| 2\.10 +\|\n\| 2 +\| 20\.0 +\|.*\| 1\.40 +\|/);
  });
});

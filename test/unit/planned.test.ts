/**
 * Only the runs a round planned and left open take a result; anything else is
 * refused by name, and what a file says of its own provenance is not taken.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { matrixBackend } from "../../src/action/matrix.ts";
import { silentLog } from "../../src/driver/log.ts";
import { finishRound } from "../../src/driver/round.ts";
import { planRound } from "../../src/engine/plan.ts";
import type { TrialJob } from "../../src/github/jobs.ts";
import type { TrialResult } from "../../src/protocol/result.ts";
import { screenResults } from "../../src/study/planned.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy, recordAttempt } from "../../src/study/study.ts";
import { runAttempt } from "../helpers/attempts.ts";
import { configFrom } from "../helpers/config.ts";

const config = configFrom(`
name: s
command: [x]
objective: {metric: loss, goal: minimize}
parameters:
  a: {type: float, min: 0, max: 1}
strategy: random
budget: {max_trials: 6, parallel: 3}
`);

function roundOne(): Study {
  const plan = planRound(config, createStudy(config));
  assert.equal(plan.kind, "round");
  return plan.kind === "round" ? plan.study : createStudy(config);
}

const file = (path: string, trialId: number, attempt: number, member: number | undefined, value: number) => ({
  path,
  result: { version: 1, study: "s", ...runAttempt(trialId, attempt, member, value) } as TrialResult,
});

describe("screenResults", () => {
  it("takes the round's open runs and refuses attempts, members and trials it never planned", () => {
    const study = roundOne();
    const found = [
      file("r/result-0-1.json", 0, 1, undefined, 0.5),
      file("r/result-0-7.json", 0, 7, undefined, 100),
      file("r/result-1-1-5.json", 1, 1, 5, 0.1),
      file("r/result-9-1.json", 9, 1, undefined, 1e308),
    ];
    const { accepted, rejected, conflicts } = screenResults(study, found);
    assert.deepEqual(
      accepted.map((f) => f.path),
      ["r/result-0-1.json"],
    );
    assert.deepEqual(
      rejected.map((r) => [r.found.path, r.why]),
      [
        ["r/result-0-7.json", "trial 0 attempt 7 is not a run that round 1 planned and left open"],
        ["r/result-1-1-5.json", "member 5 of trial 1, but the study runs 1 per configuration"],
        ["r/result-9-1.json", "study s has no trial 9"],
      ],
    );
    assert.deepEqual(conflicts, []);
  });

  it("two different results for one run are a conflict, and neither is taken; the same result twice is one", () => {
    const study = roundOne();
    const a = file("x/result-2-1.json", 2, 1, undefined, 0.3);
    const b = file("y/result-2-1.json", 2, 1, undefined, 0.01);
    const same = file("z/result-1-1.json", 1, 1, undefined, 0.2);
    const { accepted, conflicts } = screenResults(study, [a, b, same, { ...same, path: "w/result-1-1.json" }]);
    assert.deepEqual(
      conflicts.map(([x, y]) => [x.path, y.path]),
      [["x/result-2-1.json", "y/result-2-1.json"]],
    );
    assert.deepEqual(
      accepted.map((f) => f.path),
      ["z/result-1-1.json"],
    );
  });

  it("a result already recorded is a replay: neither taken again nor refused", () => {
    const recorded = recordAttempt(roundOne(), runAttempt(0, 1, undefined, 0.5));
    const { accepted, rejected } = screenResults(recorded, [file("r/result-0-1.json", 0, 1, undefined, 0.5)]);
    assert.deepEqual([accepted.length, rejected.length], [0, 0]);
  });
});

describe("the matrix backend's gather", () => {
  it("links each attempt to the job GitHub lists, never to a link its result file names", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mt-gather-"));
    const forged = { jobUrl: "https://example.com/phish", runId: 1 };
    for (const trial of [0, 1]) {
      const result = { version: 1, study: "s", ...runAttempt(trial, 1, undefined, 0.5), ...forged };
      mkdirSync(join(dir, `matrix-tune-result-${trial}-1`));
      writeFileSync(join(dir, `matrix-tune-result-${trial}-1`, `result-${trial}-1.json`), JSON.stringify(result));
    }
    const listed: TrialJob = {
      runs: [{ trialId: 0, attempt: 1 }],
      url: "https://github.com/o/r/actions/runs/7/job/70",
      status: "completed",
      conclusion: "success",
      runner: "gpu-runner-1",
    };
    const backend = matrixBackend({ log: silentLog, resultsDir: dir, runId: 7, listJobs: async () => [listed] });
    const { study } = finishRound(config, roundOne(), await backend.gather({ study: roundOne() }));
    const attempts = study.trials.slice(0, 2).map((t) => t.attempts[0]!);
    assert.deepEqual(
      attempts.map((a) => [a.jobUrl, a.runId]),
      [
        [listed.url, 7],
        [undefined, 7],
      ],
    );
  });

  it("shares each job's runner time from its start and end among the runs it ran", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mt-gather-"));
    const result = { version: 1, study: "s", ...runAttempt(0, 1, undefined, 0.5), durationMs: 60_000 };
    mkdirSync(join(dir, "matrix-tune-result-0-1"));
    writeFileSync(join(dir, "matrix-tune-result-0-1", "result-0-1.json"), JSON.stringify(result));
    const job = (trialId: number, startedAt: string, completedAt: string): TrialJob => ({
      runs: [{ trialId, attempt: 1 }],
      url: `https://github.com/o/r/actions/runs/7/job/${trialId}`,
      status: "completed",
      conclusion: trialId === 0 ? "success" : "failure",
      runner: "gpu-runner-1",
      startedAt,
      completedAt,
    });
    const jobs = [
      job(0, "2026-01-01T10:00:00Z", "2026-01-01T10:01:30Z"),
      job(1, "2026-01-01T10:00:00Z", "2026-01-01T10:00:20Z"),
    ];
    const backend = matrixBackend({ log: silentLog, resultsDir: dir, runId: 7, listJobs: async () => jobs });
    const { study } = finishRound(config, roundOne(), await backend.gather({ study: roundOne() }));
    // Trial 2 had no job listed: no runner time is known for it.
    assert.deepEqual(
      study.trials.slice(0, 3).map((t) => [t.attempts[0]!.durationMs, t.attempts[0]!.runnerMs]),
      [
        [60_000, 90_000],
        [0, 20_000],
        [0, undefined],
      ],
    );
  });
});

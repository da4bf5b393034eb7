/** A job's runner time, shared among the runs it ran. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { spanMs, splitJobTime } from "../../src/study/runner-time.ts";

describe("runner time", () => {
  it("is the time between a job's start and end, when both are known", () => {
    assert.equal(spanMs("2026-01-01T10:00:00Z", "2026-01-01T10:05:30Z"), 330_000);
    assert.equal(spanMs("2026-01-01T10:00:00Z", undefined), undefined);
    assert.equal(spanMs("yesterday", "2026-01-01T10:05:30Z"), undefined);
  });

  it("gives each run its process time plus an equal share of the job's time outside the processes", () => {
    // 600 s job, processes of 100 s, 200 s and 0 s (one left no result): 300 s outside, 100 s each.
    assert.deepEqual(splitJobTime(600_000, [100_000, 200_000, 0]), [200_000, 300_000, 100_000]);
    assert.deepEqual(splitJobTime(90_000, [60_000]), [90_000]);
  });

  it("never charges more than the job took, whatever the result files claim", () => {
    // A result file claiming 10^12 ms (forged by the trial's code) cannot inflate the study's cost.
    assert.deepEqual(splitJobTime(50_000, [40_000, 10_000]), [40_000, 10_000]);
    assert.deepEqual(splitJobTime(60_000, [1e12, 0]), [60_000, 0]);
    assert.deepEqual(splitJobTime(50_000, [60_000, 40_000]), [30_000, 20_000]);
    assert.deepEqual(splitJobTime(50_000, []), []);
  });
});

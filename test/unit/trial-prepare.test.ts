/** The TUNE_* contract as planLaunch decides it, without starting anything. */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { planLaunch } from "../../src/trial/prepare.ts";
import type { TrialRequest } from "../../src/trial/request.ts";

const request = (over: Partial<TrialRequest> = {}): TrialRequest => ({
  study: "demo",
  trialId: 4,
  attempt: 2,
  params: { lr: 0.01, "model.depth": 3 },
  argv: ["train", "--lr=${lr}", "--out=${output_dir}", "--seed=${seed}"],
  cwd: "/work",
  outputDir: "/runs/4-2",
  config: {
    objective: [{ metric: "val_loss", goal: "minimize" }],
    constraints: [],
    metrics: { record: [], definitions: [], lines: true },
    env: { WANDB_MODE: "offline", TOKEN: { from: "MY_TOKEN" } },
  },
  ...over,
});

describe("planLaunch", () => {
  it("fills the argv and gives the command the allowed environment, its parameters and TUNE_*", () => {
    const launch = planLaunch(request(), { PATH: "/bin", GITHUB_TOKEN: "secret", CUDA_VISIBLE_DEVICES: "0,1" });
    assert.deepEqual(launch.argv, ["train", "--lr=0.01", "--out=/runs/4-2", "--seed=0"]);
    assert.equal(launch.cwd, "/work");
    assert.deepEqual(launch.env, {
      PATH: "/bin",
      CUDA_VISIBLE_DEVICES: "0,1",
      WANDB_MODE: "offline",
      TUNE_PARAM_LR: "0.01",
      TUNE_PARAM_MODEL_DEPTH: "3",
      TUNE_STUDY: "demo",
      TUNE_TRIAL_ID: "4",
      TUNE_ATTEMPT: "2",
      TUNE_PARAMS_FILE: "/runs/4-2/params.json",
      TUNE_METRICS_FILE: "/runs/4-2/metrics.json",
      TUNE_OUTPUT_DIR: "/runs/4-2",
      TUNE_SEED: "0",
      TUNE_SLOT: "0",
    });
    assert.equal(launch.logFile, "/runs/4-2/log.txt");
    assert.equal(launch.checkpointDir, undefined);
    assert.match(launch.note ?? "", /TOKEN \(from MY_TOKEN\) is not set here/);
  });

  it("gives a member its seed and fold, a slot its one device, and the checkpoint directory as an absolute path", () => {
    const launch = planLaunch(
      request({
        member: { index: 5, seed: 2, fold: 1, folds: 3 },
        slot: { index: 1, device: "3" },
        checkpointDir: "ckpt",
      }),
      { CUDA_VISIBLE_DEVICES: "0,1,2,3", MY_TOKEN: "t" },
    );
    assert.equal(launch.argv[3], "--seed=2");
    assert.equal(launch.env.TUNE_SEED, "2");
    assert.equal(launch.env.TUNE_FOLD, "1");
    assert.equal(launch.env.TUNE_FOLDS, "3");
    assert.equal(launch.env.TUNE_SLOT, "1");
    assert.equal(launch.env.CUDA_VISIBLE_DEVICES, "3");
    assert.equal(launch.env.TUNE_DEVICE, "3");
    assert.equal(launch.env.TOKEN, "t");
    assert.equal(launch.checkpointDir, resolve("ckpt"));
    assert.equal(launch.env.TUNE_CHECKPOINT_DIR, resolve("ckpt"));
    assert.equal(launch.note, undefined);
  });

  it("puts metrics.file inside the output directory, and refuses one outside it", () => {
    const inside = request({
      config: { ...request().config, metrics: { ...request().config.metrics, file: "m/x.json" } },
    });
    assert.equal(planLaunch(inside, {}).metricsFile, join("/runs/4-2", "m/x.json"));
    const outside = request({
      config: { ...request().config, metrics: { ...request().config.metrics, file: "../x.json" } },
    });
    assert.throws(
      () => planLaunch(outside, {}),
      /metrics\.file "\.\.\/x\.json" is not inside the trial's output directory/,
    );
  });
});

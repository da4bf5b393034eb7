/**
 * The environment a trial starts with: ordinary runtime variables of ours,
 * never the step's inputs or the runner's credentials, then the config's env.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isAllowedEnv, missingEnvNote, trialEnv } from "../../src/trial/env.ts";

/** A JavaScript action step's environment on a GPU runner, as a runner sets it. */
const parent = {
  PATH: "/usr/local/cuda/bin:/usr/bin",
  HOME: "/home/runner",
  LANG: "C.UTF-8",
  LC_ALL: "C.UTF-8",
  TMPDIR: "/tmp",
  CI: "true",
  RUNNER_TEMP: "/home/runner/_work/_temp",
  RUNNER_NAME: "gpu-runner-3",
  CUDA_VISIBLE_DEVICES: "0",
  NVIDIA_VISIBLE_DEVICES: "all",
  NCCL_DEBUG: "WARN",
  HIP_VISIBLE_DEVICES: "0",
  OMP_NUM_THREADS: "8",
  MKL_NUM_THREADS: "8",
  LD_LIBRARY_PATH: "/usr/local/cuda/lib64",
  VIRTUAL_ENV: "/opt/venv",
  CONDA_PREFIX: "/opt/conda",
  pythonLocation: "/opt/hostedtoolcache/Python/3.12.4/x64",
  Python3_ROOT_DIR: "/opt/hostedtoolcache/Python/3.12.4/x64",
  https_proxy: "http://proxy:3128",
  NO_PROXY: "localhost",
  SSL_CERT_FILE: "/etc/ssl/certs/ca.pem",
  INPUT_TOKEN: "ghs_secret",
  INPUT_PAYLOAD: "{}",
  ACTIONS_RUNTIME_TOKEN: "runtime",
  ACTIONS_RESULTS_URL: "https://results",
  ACTIONS_CACHE_URL: "https://cache",
  ACTIONS_ID_TOKEN_REQUEST_URL: "https://oidc",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc-token",
  GITHUB_TOKEN: "ghs_job",
  GITHUB_ENV: "/tmp/env",
  GITHUB_PATH: "/tmp/path",
  GITHUB_OUTPUT: "/tmp/output",
  GITHUB_STATE: "/tmp/state",
  GITHUB_STEP_SUMMARY: "/tmp/summary",
  GITHUB_REPOSITORY: "o/r",
  NODE_OPTIONS: "--require /tmp/x.js",
  WANDB_API_KEY: "wandb-secret",
  AWS_SECRET_ACCESS_KEY: "aws-secret",
};

describe("trialEnv", () => {
  it("passes ordinary runtime variables and nothing else of ours", () => {
    const { env, missing } = trialEnv(parent, {});
    assert.deepEqual(missing, []);
    assert.deepEqual(Object.keys(env).sort(), [
      "CI",
      "CONDA_PREFIX",
      "CUDA_VISIBLE_DEVICES",
      "HIP_VISIBLE_DEVICES",
      "HOME",
      "LANG",
      "LC_ALL",
      "LD_LIBRARY_PATH",
      "MKL_NUM_THREADS",
      "NCCL_DEBUG",
      "NO_PROXY",
      "NVIDIA_VISIBLE_DEVICES",
      "OMP_NUM_THREADS",
      "PATH",
      "Python3_ROOT_DIR",
      "RUNNER_NAME",
      "RUNNER_TEMP",
      "SSL_CERT_FILE",
      "TMPDIR",
      "VIRTUAL_ENV",
      "https_proxy",
      "pythonLocation",
    ]);
    assert.equal(env.PATH, parent.PATH);
  });

  it("adds the config's literals and the variables it names, over ours", () => {
    const { env } = trialEnv(parent, {
      OMP_NUM_THREADS: 1,
      DEBUG: true,
      WANDB_API_KEY: { from: "WANDB_API_KEY" },
      KEY: { from: "AWS_SECRET_ACCESS_KEY" },
    });
    assert.equal(env.OMP_NUM_THREADS, "1");
    assert.equal(env.DEBUG, "true");
    assert.equal(env.WANDB_API_KEY, "wandb-secret");
    assert.equal(env.KEY, "aws-secret");
    assert.equal(env.AWS_SECRET_ACCESS_KEY, undefined, "only under the name the config gives it");
  });

  it("a variable named but not set is left out, not replaced by one of ours, and said once", () => {
    const { env, missing } = trialEnv(parent, { HOME: { from: "TRIAL_HOME" }, HF_TOKEN: { from: "HF_TOKEN" } });
    assert.equal(env.HOME, undefined);
    assert.equal(env.HF_TOKEN, undefined);
    assert.deepEqual(missing, ["HOME (from TRIAL_HOME)", "HF_TOKEN"]);
    assert.equal(
      missingEnvNote(missing),
      "env: HOME (from TRIAL_HOME), HF_TOKEN are not set here, so the trial runs without them",
    );
    assert.equal(missingEnvNote([]), undefined);
  });

  it("never allows a forbidden family, whatever allowed prefix it also has", () => {
    for (const name of ["INPUT_TOKEN", "ACTIONS_RUNTIME_TOKEN", "GITHUB_TOKEN", "GITHUB_ENV", "NODE_OPTIONS"])
      assert.equal(isAllowedEnv(name), false, name);
    for (const name of ["PATH", "LC_CTYPE", "XDG_CACHE_HOME", "ROCR_VISIBLE_DEVICES", "Python_ROOT_DIR"])
      assert.equal(isAllowedEnv(name), true, name);
  });
});

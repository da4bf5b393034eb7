/**
 * A trial is untrusted code: it must not find the job's credentials in its own
 * environment, nor in any ancestor's (readable by the same user in /proc).
 * The trial here is a script that dumps both: run locally by the CLI, and in
 * a trial job of the reusable workflow played step by step, where the
 * Action's steps hold (fake) credentials as a runner gives them.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FAKE_CREDENTIALS, FAKE_INPUT_TOKEN } from "../helpers/actions-runner.ts";
import { ROOT, runCli } from "../helpers/cli.ts";
import { GitHubPlayer } from "../helpers/github-play.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/github-server.ts";

const DUMP_SCRIPT = join(ROOT, "test/fixtures/dump-env.mjs");

interface Dump {
  pid: number;
  self: Record<string, string>;
  ancestors: { pid: number; environ?: string; error?: string }[];
}

/** A repository whose one-trial study runs the dump script, writing to `dumpTo`. */
function dumpRepo(dumpTo: string, env = "  PASSED_ON: {from: PASSED_ON}\n"): string {
  const dir = mkdtempSync(join(tmpdir(), "mt-iso-repo-"));
  writeFileSync(
    join(dir, "tune.yml"),
    `name: iso
command: [node, ${JSON.stringify(DUMP_SCRIPT)}]
objective: {metric: score, goal: maximize}
parameters:
  x: {type: categorical, values: [only]}
budget: {max_trials: 1, parallel: 1}
compare: off
env:
  DUMP_TO: ${JSON.stringify(dumpTo)}
  LITERAL: "yes"
${env}`,
  );
  return dir;
}

const CLI_SECRETS = { INPUT_TOKEN: "ghs_fakeCliInputToken", ACTIONS_RUNTIME_TOKEN: "fake-cli-runtime-token" };

describe("a local trial's environment", () => {
  it("holds PATH, the config's env and the TUNE_* contract, but none of the CLI's credentials", async () => {
    const dumpTo = join(mkdtempSync(join(tmpdir(), "mt-iso-")), "dump.json");
    const repo = dumpRepo(dumpTo, "  PASSED_ON: {from: PASSED_ON}\n  ABSENT: {from: NOT_SET_ANYWHERE_3f}\n");
    const r = await runCli(["run", join(repo, "tune.yml"), "--no-progress"], {
      env: { ...CLI_SECRETS, GITHUB_TOKEN: "ghs_fakeCliGithubToken", PASSED_ON: "passed-on-value" },
    });
    assert.equal(r.code, 0, r.stderr);
    const dump: Dump = JSON.parse(readFileSync(dumpTo, "utf8"));
    for (const name of [...Object.keys(CLI_SECRETS), "GITHUB_TOKEN"]) assert.equal(dump.self[name], undefined, name);
    assert.equal(dump.self.PATH, process.env.PATH);
    assert.equal(dump.self.HOME, process.env.HOME);
    assert.equal(dump.self.LITERAL, "yes");
    assert.equal(dump.self.PASSED_ON, "passed-on-value");
    assert.equal(dump.self.ABSENT, undefined);
    assert.equal(dump.self.TUNE_TRIAL_ID, "0");
    assert.equal(dump.self.TUNE_PARAM_X, "only");
    // One trial per job on GitHub: always slot 0, and no device chosen for it (devices: is for local runs).
    assert.equal(dump.self.TUNE_SLOT, "0");
    assert.equal(dump.self.TUNE_DEVICE, undefined);
    assert.ok(dump.self.TUNE_PARAMS_FILE?.endsWith("params.json"));
    // Said once in the run's output, and in the trial's own log.
    const note = "env: ABSENT (from NOT_SET_ANYWHERE_3f) is not set here, so the trial runs without it";
    assert.equal(r.stderr.split(note).length - 1, 1, r.stderr);
    const log = readFileSync(join(repo, ".matrix-tune/iso/trials/0-1/log.txt"), "utf8");
    assert.ok(log.startsWith(`matrix-tune: ${note}\n`), log);
  });
});

const CREDENTIAL_VALUES = [...Object.values(FAKE_CREDENTIALS), FAKE_INPUT_TOKEN];
const CREDENTIAL_NAME = /(^|\0)(INPUT_[A-Z_]+|ACTIONS_[A-Z_]+|GITHUB_TOKEN)=/;
const FORBIDDEN_NAME =
  /^(INPUT_|ACTIONS_)|^(GITHUB_TOKEN|GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT|GITHUB_STATE|GITHUB_STEP_SUMMARY|NODE_OPTIONS)$/;

/** The credential values found in an environment's text. */
const leaked = (text: string) => CREDENTIAL_VALUES.filter((v) => text.includes(v));

describe("a trial job on GitHub", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  it("runs the trial where neither it nor any ancestor holds a credential, with the TUNE_* contract and env: from", async () => {
    const dumpTo = join(mkdtempSync(join(tmpdir(), "mt-iso-")), "dump.json");
    const play = new GitHubPlayer(gh, dumpRepo(dumpTo));
    play.machineEnv = { PASSED_ON: "passed-on-by-the-runner" };
    const record = await play.untilDone({ inputs: {}, event: {} });
    const job = play.runs[0]!.jobs[0]!;
    assert.equal(job.result!.code, 0, job.result!.stdout + job.result!.stderr);
    assert.equal(job.result!.outputs.status, "succeeded");
    assert.equal(job.result!.outputs.value, "0.5");
    assert.equal(record.report!.outputs["best-value"], "0.5");

    const dump: Dump = JSON.parse(readFileSync(dumpTo, "utf8"));
    const forbidden = Object.keys(dump.self).filter((k) => FORBIDDEN_NAME.test(k));
    assert.deepEqual(forbidden, []);
    assert.deepEqual(leaked(JSON.stringify(dump.self)), []);
    assert.equal(dump.self.PASSED_ON, "passed-on-by-the-runner");
    assert.equal(dump.self.LITERAL, "yes");
    assert.equal(dump.self.TUNE_STUDY, "iso");
    assert.equal(dump.self.TUNE_TRIAL_ID, "0");
    assert.equal(dump.self.TUNE_PARAM_X, "only");
    // One trial per job on GitHub: always slot 0, and no device chosen for it (devices: is for local runs).
    assert.equal(dump.self.TUNE_SLOT, "0");
    assert.equal(dump.self.TUNE_DEVICE, undefined);
    assert.ok(dump.self.TUNE_CHECKPOINT_DIR && dump.self.TUNE_OUTPUT_DIR && dump.self.TUNE_METRICS_FILE);

    // Up the tree: the CLI (the run: step's bash exec'd it), then this test process, which spawned
    // the step as a runner would. Above it the test's own environment, which may hold real tokens: only
    // the fakes are looked for there.
    const own = dump.ancestors.findIndex((a) => a.pid === process.pid);
    assert.ok(own >= 1, `the walk reached this test process ${process.pid}: ${dump.ancestors.map((a) => a.pid)}`);
    const steps = dump.ancestors.slice(0, own);
    assert.ok(
      steps.every((a) => a.environ !== undefined),
      "every step process's environment was readable",
    );
    for (const a of steps) assert.doesNotMatch(a.environ!, CREDENTIAL_NAME, `process ${a.pid}`);
    for (const a of dump.ancestors) assert.deepEqual(leaked(a.environ ?? ""), [], `process ${a.pid}`);
  });

  it("the check would see a credential in an ancestor: the same script under a process that holds one", () => {
    const dumpTo = join(mkdtempSync(join(tmpdir(), "mt-iso-")), "dump.json");
    execFileSync(
      process.execPath,
      [
        "-e",
        `require("node:child_process").execFileSync(process.execPath, [${JSON.stringify(DUMP_SCRIPT)}], { env: { DUMP_TO: ${JSON.stringify(dumpTo)} } })`,
      ],
      { env: { PATH: process.env.PATH, ...FAKE_CREDENTIALS, INPUT_TOKEN: FAKE_INPUT_TOKEN } },
    );
    const dump: Dump = JSON.parse(readFileSync(dumpTo, "utf8"));
    assert.equal(dump.self.ACTIONS_RUNTIME_TOKEN, undefined);
    assert.deepEqual(leaked(dump.ancestors[0]!.environ!).sort(), [...CREDENTIAL_VALUES].sort());
    assert.match(dump.ancestors[0]!.environ!, CREDENTIAL_NAME);
  });
});

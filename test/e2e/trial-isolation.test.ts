/**
 * A trial is untrusted code: it must not find the job's credentials in its own
 * environment, nor in any ancestor's (readable by the same user in /proc).
 * The trial here is a script that dumps both.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT, runCli } from "../helpers/cli.ts";

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
    assert.ok(dump.self.TUNE_PARAMS_FILE?.endsWith("params.json"));
    // Said once in the run's output, and in the trial's own log.
    const note = "env: ABSENT (from NOT_SET_ANYWHERE_3f) is not set here, so the trial runs without it";
    assert.equal(r.stderr.split(note).length - 1, 1, r.stderr);
    const log = readFileSync(join(repo, ".matrix-tune/iso/trials/0-1/log.txt"), "utf8");
    assert.ok(log.startsWith(`matrix-tune: ${note}\n`), log);
  });
});

/**
 * A pull request whose base branch has no study yet: the plan adds the
 * config's defaults, run on the base branch's commit, as a reference trial of
 * the first round; the trial jobs of that trial check out the base commit; the
 * comment compares the study's best with it, every repeat on each side.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { GitHubPlayer, pullRequestEvent } from "../helpers/github-play.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/github-server.ts";
import { digitsRepo } from "../helpers/repo.ts";

const PR = 31;
const BASE_SHA = "0123456789abcdef0123456789abcdef01234567";
const event = pullRequestEvent(PR, { sha: BASE_SHA });

/** The digits repository with two trials of two repeats each. */
function smallStudy(): string {
  const dir = digitsRepo("", "repeats: 2\n");
  const file = join(dir, "tune.yml");
  writeFileSync(file, readFileSync(file, "utf8").replace("max_trials: 6, parallel: 3", "max_trials: 2, parallel: 2"));
  return dir;
}

describe("the reference run when the base branch has no study", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  it("runs the defaults on the base commit beside round 1 and compares the best trial with them", async () => {
    const pr = smallStudy();
    // The base commit's model is a worse one: a fixed, low accuracy, a little different per seed.
    const base = smallStudy();
    writeFileSync(
      join(base, "model/train.mjs"),
      "console.log(`epoch=1 val_accuracy=${0.5 + 0.01 * Number(process.env.TUNE_SEED)} val_loss=1`);\n",
    );
    const play = new GitHubPlayer(gh, pr);
    play.addCommit(BASE_SHA, base);
    const last = await play.untilDone({ inputs: {}, event });

    const first = play.runs[0]!;
    assert.equal(first.plan.outputs["baseline-run-id"], "");
    assert.match(
      first.plan.stdout,
      /the base branch has no study to compare with: trial 2 runs the config's defaults on its commit 0123456 as a reference/,
    );
    const matrix = JSON.parse(first.plan.outputs.matrix!).include as { trial: number; ref?: string; params: unknown }[];
    const reference = matrix.filter((p) => p.ref === BASE_SHA);
    assert.deepEqual(
      reference.map((p) => [p.trial, p.params]),
      [
        [2, { lr: 0.01, momentum: 0, nodes: 32 }],
        [2, { lr: 0.01, momentum: 0, nodes: 32 }],
      ],
    );
    // The reference's two jobs check out the base commit; every other trial job the study's own.
    const trialCheckouts = play.checkouts.filter((c) => c.job === "trial" && !c.path).map((c) => c.ref);
    assert.equal(trialCheckouts.filter((r) => r === BASE_SHA).length, 2);
    assert.equal(trialCheckouts.filter((r) => r !== BASE_SHA).length, 4, "two search trials of two repeats");

    const state = play.state(last.runId);
    const ref = state.trials.find((t) => t.ref)!;
    assert.deepEqual(
      ref.attempts.map((a) => a.status === "succeeded" && a.value),
      [0.5, 0.51],
      "the base commit's model ran",
    );
    assert.equal(state.trials.filter((t) => !t.ref).length, 2, "max_trials counts the search only");

    const body = gh.comments.find((c) => c.issue_number === PR)!.body!;
    assert.match(body, /### Compared with main \(no study there yet: its defaults, trial 2, on 0123456\)/, body);
    assert.match(body, /\| main with the defaults +\| +0\.505 ± 0\.0071 \| +2 \| `0123456` \|/, body);
    assert.match(body, /reference: the defaults on the base branch \(0123456\), not part of the search/);
    assert.match(
      body,
      /Best vs baseline \(defaults, trial 0\): val_accuracy [\d.]+ → [\d.]+ \(\+[\d.]+\), means of 2 runs each\./,
    );
    assert.match(body, /\*\*Verdict: better \(higher val_accuracy\)\*\* — this pull request − main with the defaults/);
    // The study is one round: it looked for a study on main twice (to start from, then to compare with:
    // a study found by the first look is not looked for again), and read the base commit from the event.
    assert.equal(play.runs.length, 1);
    assert.deepEqual(
      gh.requests.map((q) => q.operation).filter((o) => o === "actions/list-workflow-runs" || o === "pulls/get"),
      ["actions/list-workflow-runs", "actions/list-workflow-runs"],
    );
    gh.assertNoViolations();
  });
});

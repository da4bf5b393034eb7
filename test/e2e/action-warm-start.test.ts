/**
 * Warm start through the reusable workflow: a study on the base branch, then
 * a pull request's study (with a changed space) that starts from it — its
 * first round re-runs the base's best configurations, the strategy gets the
 * rest as prior, and the comment says what was carried over — and one with
 * `/tune warm_start=off`, and one that starts from a state of an older version.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { GitHubPlayer, pullRequestEvent } from "../helpers/github-play.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/github-server.ts";
import { digitsRepo } from "../helpers/repo.ts";

/** The pull request's space: lr narrowed, nodes gone (fixed at 48 in the command), dropout new. */
function changedSpace(top = ""): string {
  const dir = digitsRepo();
  const file = join(dir, "tune.yml");
  const text = readFileSync(file, "utf8")
    .replace('"--nodes=${nodes}"', '"--nodes=48"')
    .replace(
      "  nodes: {type: int, min: 16, max: 64, default: 32}\n",
      "  dropout: {type: float, min: 0, max: 0.5, default: 0.1}\n",
    )
    .replace("lr: {type: float, min: 0.01, max: 0.5,", "lr: {type: float, min: 0.01, max: 0.3,")
    .replace("strategy: sobol", "strategy: bayes")
    .replace("baseline: true\n", "");
  writeFileSync(file, `${text}${top}`);
  return dir;
}

describe("warm start from the base branch's study", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  let mainRun: number;
  let mainState: ReturnType<GitHubPlayer["state"]>;
  before(async () => {
    const onMain = new GitHubPlayer(gh, digitsRepo(), "tune.yml", "main");
    const done = await onMain.untilDone({ inputs: {}, event: { ref: "refs/heads/main" } });
    mainRun = done.runId;
    onMain.publish(mainRun, "main");
    mainState = onMain.state(mainRun);
  });

  it("re-runs the base's best in round 1, learns from the rest, and never counts them as its own", async () => {
    const play = new GitHubPlayer(gh, changedSpace());
    const first = await play.run({ inputs: {}, event: pullRequestEvent(41) });
    assert.equal(first.plan.outputs["baseline-run-id"], String(mainRun));
    assert.match(first.plan.stdout, new RegExp(`the study starts from the one in run ${mainRun}`));

    // The base's two best that fit the new space (lr ≤ 0.3), mapped: nodes dropped, dropout at its default.
    const fits = mainState.trials
      .filter((t) => t.status === "succeeded" && Number(t.params.lr) <= 0.3 && t.ref === undefined)
      .map((t) => ({ params: t.params, value: t.attempts.at(-1)!.value! }))
      .sort((a, b) => b.value - a.value);
    const expected = fits.slice(0, 2).map(({ params: { nodes: _, ...p } }) => ({ ...p, dropout: 0.1 }));
    const matrix = JSON.parse(first.plan.outputs.matrix!).include as { trial: number; params: unknown }[];
    assert.deepEqual(
      matrix.filter((e) => e.trial < 2).map((e) => e.params),
      expected,
    );
    assert.equal(matrix.length, 3, "a full round: two re-runs and one of bayes's");

    const state = play.state(first.runId);
    assert.ok(state.warmStart);
    assert.equal(state.trials.length, 3, "the base's trials are not this study's");
    assert.equal(state.warmStart.source, `run ${mainRun} (study digits)`);
    assert.equal(state.warmStart.trials.length, fits.length);
    assert.deepEqual(state.warmStart.reran, [0, 1]);
    assert.ok(state.warmStart.notes.includes("not in this space, dropped: nodes"), state.warmStart.notes.join("\n"));

    const body = gh.comments.find((c) => c.issue_number === 41)!.body!;
    assert.match(
      body,
      new RegExp(
        `Warm start from run ${mainRun} \\(study digits\\): learned from ${fits.length} of its \\d+ trials with a value \\(they are not this study's results\\); trials 0, 1 re-ran its best 2 configurations; not in this space, dropped: nodes; new here: dropout, taken as 0.1`,
      ),
    );
    assert.match(body, /warm start: re-runs a best configuration/);
    assert.match(body, /### Compared with main/);
    gh.assertNoViolations();
  });

  it("starts from scratch with /tune warm_start=off", async () => {
    const play = new GitHubPlayer(gh, changedSpace());
    const overrides = JSON.stringify({ warm_start: "off" });
    const first = await play.run({ inputs: { overrides }, event: pullRequestEvent(42) });
    assert.match(first.plan.stdout, /warm_start is off: the study starts from scratch/);
    assert.equal(play.state(first.runId).warmStart, undefined);
    assert.doesNotMatch(gh.comments.find((c) => c.issue_number === 42)!.body!, /Warm start/);
    gh.assertNoViolations();
  });
});

describe("warm start from a study of an older state version", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
  });
  after(() => gh.close());

  it("migrates it, takes its largest resource's trials and says so", async () => {
    // A repository whose config matches the version-1 hyperband fixture's space and objective.
    const dir = mkdtempSync(join(tmpdir(), "mt-repo-"));
    writeFileSync(
      join(dir, "quadratic.mjs"),
      `import { readFileSync, writeFileSync } from "node:fs";
const p = JSON.parse(readFileSync(process.env.TUNE_PARAMS_FILE, "utf8"));
writeFileSync(process.env.TUNE_METRICS_FILE, JSON.stringify({ loss: (p.x - 0.3) ** 2 + (p.y - 0.6) ** 2 + (p.opt === "adam" ? 0 : 0.1) }));
`,
    );
    writeFileSync(
      join(dir, "tune.yml"),
      `name: hb
command: [node, quadratic.mjs]
objective: {metric: loss, goal: minimize}
parameters:
  x: {type: float, min: 0, max: 1}
  y: {type: float, min: 0, max: 1}
  opt: {type: categorical, values: [sgd, adam]}
strategy: tpe
budget: {max_trials: 4, parallel: 2}
`,
    );
    const play = new GitHubPlayer(gh, dir);
    const old = 8001;
    play.plantArtifact(old, "matrix-tune-state", {
      "state.json": readFileSync(join(import.meta.dirname, "../fixtures/state/v1-hyperband.json"), "utf8"),
    });
    play.publish(old, "main");
    const first = await play.run({ inputs: {}, event: pullRequestEvent(43) });
    const state = play.state(first.runId);
    assert.ok(state.warmStart);
    assert.equal(state.warmStart.offered, 6);
    assert.deepEqual(state.warmStart.reran, [0, 1]);
    assert.deepEqual(state.warmStart.notes, [
      "its trials at epochs 3, the largest with results (its full epochs is 9)",
    ]);
    gh.assertNoViolations();
  });
});

/**
 * One study, three backends: the local CLI (trials as processes), the Action
 * as GitHub runs it (a workflow run per round, a matrix job per member), and
 * the in-process backend of the benchmarks and strategy tests. All three go
 * through the same round driver, so for the same config and seed they must
 * leave the same study: the same trials, rounds, values, statuses and stop.
 * What only a process has (its times, runner, job link, log and exit) is left
 * out of the comparison; the in-process backend runs no process.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../src/config/load.ts";
import type { Study } from "../../src/study/schema.ts";
import { loss } from "../fixtures/objective.mjs";
import { ROOT, runCli } from "../helpers/cli.ts";
import { GitHubPlayer, pullRequestEvent } from "../helpers/github-play.ts";
import { type FakeGitHub, startFakeGitHub } from "../helpers/github-server.ts";
import { simulateStudy } from "../helpers/simulate.ts";

const PR = 21;
const prEvent = pullRequestEvent(PR);

function configText(strategy: string): string {
  const hyperband = strategy === "hyperband";
  return `name: same-${strategy}
command: [node, objective.mjs]
objective: {metric: loss, goal: minimize}
parameters:
  lr: {type: float, min: 0.001, max: 0.1, scale: log, points: 3}
  layers: {type: int, min: 1, max: 4}
  optimizer: {type: categorical, values: [sgd, adam]}
strategy: ${strategy}
${hyperband ? "resource: {name: epochs, min: 1, max: 3, eta: 3}\n" : ""}seed: 7
repeats: 2
compare: off
budget: {max_trials: 6, parallel: 3}
`;
}

function repoWith(strategy: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mt-backends-"));
  cpSync(join(ROOT, "test/fixtures/objective.mjs"), join(dir, "objective.mjs"));
  writeFileSync(join(dir, "tune.yml"), configText(strategy));
  return dir;
}

/** The study less what only a process has: its times, runner, job link, workflow run, log, exit and raw metrics. */
function outline(study: Study) {
  return {
    name: study.name,
    configHash: study.configHash,
    trials: study.trials.map(({ attempts, ...trial }) => ({
      ...trial,
      attempts: attempts.map(
        ({
          durationMs: _d,
          runnerMs: _rm,
          finishedAt: _f,
          runner: _r,
          jobUrl: _j,
          runId: _i,
          logTail: _l,
          intermediate: _c,
          metrics: _m,
          exitCode: _e,
          signal: _s,
          ...kept
        }) => kept,
      ),
    })),
    rounds: study.rounds,
    stop: study.stop,
  };
}

describe("the same study on every backend", () => {
  let gh: FakeGitHub;
  before(async () => {
    gh = await startFakeGitHub();
    gh.addPull({ number: PR, head: { ref: "feature/better-model" }, base: { ref: "main" } });
  });
  after(() => gh.close());

  for (const strategy of ["bayes", "tpe", "random", "grid", "hyperband"]) {
    it(`${strategy}, with repeats: the local CLI, the Action's workflow runs and the in-process backend agree`, async () => {
      const local = repoWith(strategy);
      const cli = await runCli(["run", join(local, "tune.yml"), "--state-dir", join(local, "state")]);
      assert.equal(cli.code, 0, cli.stderr);
      const byCli = JSON.parse(readFileSync(join(local, "state/state.json"), "utf8")) as Study;

      const play = new GitHubPlayer(gh, repoWith(strategy));
      const last = await play.untilDone({ inputs: {}, event: prEvent }, 12);
      assert.equal(last.report?.outputs.done ?? last.plan.outputs.done, "true");
      const byAction = play.state(last.runId) as unknown as Study;

      const { config } = loadConfig(join(local, "tune.yml"));
      const { study: inProcess } = await simulateStudy(config, (_trial, job) =>
        loss(job.params, job.member?.seed ?? 0, job.member?.fold ?? 0),
      );

      assert.ok(byCli.rounds.length >= 2, `${strategy}: more than one round (${byCli.rounds.length})`);
      assert.ok(byCli.stop, "the study finished");
      if (strategy === "hyperband")
        assert.ok(
          byCli.trials.some((t) => t.parent !== undefined),
          "a trial continues another's checkpoint",
        );
      assert.equal(play.runs.length, byCli.rounds.length, "one workflow run per round");
      assert.deepEqual(outline(byAction), outline(byCli), "the Action's study is the local one");
      assert.deepEqual(outline(inProcess), outline(byCli), "the in-process study is the local one");
      gh.assertNoViolations();
    });
  }
});

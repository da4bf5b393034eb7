/**
 * `command: plan` — the first job of a round: the study so far (none on the
 * first round, else the previous round's state artifact, plus any results a
 * cancelled round left behind), then the engine's next round as a matrix.
 */
import { join } from "node:path";
import * as core from "@actions/core";
import type { Overrides } from "../config/overrides.ts";
import type { Config } from "../config/schema.ts";
import { trustedSettingsLine } from "../config/trusted.ts";
import { finishRound, type OpenRound, withReference } from "../driver/round.ts";
import { runLabel } from "../github/job-names.ts";
import type { MatrixEntry } from "../protocol/payload.ts";
import { warmStartLine } from "../report/summary.ts";
import { readWarmStart, STATE_FILE } from "../study/store.ts";
import type { WarmStart } from "../study/warm-start.ts";
import { entryPayloads, githubMatrix, payloadRun } from "../trial/payload.ts";
import { loadActionConfig } from "./config.ts";
import { actionsLog } from "./log.ts";
import { matrixBackend, resultsIn } from "./matrix.ts";
import { setDoneOutputs } from "./outputs.ts";
import { readOrCreateStudy, saveStudy } from "./state.ts";

export interface PlanInputs {
  config: string;
  stateDir: string;
  resultsDir: string;
  overrides: Overrides;
  /** Looks up the base branch's study for the comparison, when there is a pull request. */
  findBaseline: ((config: Config) => Promise<number | undefined>) | undefined;
  /** The pull request's base commit, where the defaults run when the base branch has no study. */
  findBaseSha?: (() => Promise<string>) | undefined;
  /** The study runs a fork's code: its trusted settings come from `trusted`, the default branch's config. */
  fork: boolean;
  trusted?: string;
  /** Where the warm-start step's run left the state a new study starts from. */
  warmStart?: { dir: string; runId: number };
}

export async function plan(inputs: PlanInputs): Promise<void> {
  const { config } = loadActionConfig(inputs.config, inputs.overrides, inputs.trusted);
  core.setOutput("fork", String(inputs.fork));
  if (inputs.fork) {
    // bot comes from the default branch too: a fork cannot allow itself.
    if (!config.bot.allow_forks)
      throw new Error(
        `refusing to plan: this pull request comes from a fork, and the default branch's ${inputs.trusted} does not allow forks' code on this repository's runners (bot.allow_forks)`,
      );
    core.notice(trustedSettingsLine(inputs.trusted ?? ""), { title: "matrix-tune" });
  }
  const study = readOrCreateStudy(inputs.stateDir, config, actionsLog, () => warmStartOf(inputs, config));
  // A cancelled round's results are recorded before its unfinished runs are planned again.
  const leftovers = resultsIn(study, inputs.resultsDir, actionsLog);
  if (leftovers.length > 0) core.info(`recorded ${leftovers.length} results left by an unfinished round`);
  let { next } = finishRound(config, study, { attempts: leftovers }, Date.now());

  const runner = Array.isArray(config.runs_on) ? config.runs_on : [config.runs_on];
  core.setOutput("study-id", config.name);
  core.setOutput("runner", JSON.stringify(runner));
  if (next.kind === "done") {
    saveStudy(inputs.stateDir, next.study);
    core.info(`study ${config.name} is done: ${next.stop.message}`);
    core.setOutput("matrix", JSON.stringify(githubMatrix([])));
    core.setOutput("round", String(next.study.rounds.length));
    setDoneOutputs(config, next.study);
    return;
  }
  const baseline = config.compare === "base" ? await lookUpBaseline(inputs, config) : undefined;
  core.setOutput("baseline-run-id", baseline ? String(baseline) : "");
  if (baseline) core.info(`the base branch's latest study is in run ${baseline}`);
  else if (config.compare === "base" && next.round === 1 && !next.resumed && inputs.findBaseSha)
    next = await referenceOnBase(config, next, inputs.findBaseSha);
  saveStudy(inputs.stateDir, next.study);
  if (next.note) core.notice(next.note, { title: "matrix-tune" });
  let entries: MatrixEntry[] = [];
  const emit = (e: MatrixEntry[]) => {
    entries = e;
  };
  const trialsPerJob = config.trials_per_job;
  matrixBackend({ log: actionsLog, resultsDir: inputs.resultsDir, emit, trialsPerJob }).dispatch(next, () => {});
  core.setOutput("matrix", JSON.stringify(githubMatrix(entries)));
  core.setOutput("round", String(next.round));
  core.setOutput("done", "false");
  const runs = entries.flatMap(entryPayloads);
  core.info(
    `round ${next.round}${next.resumed ? " (unfinished, running again)" : ""}: ${entries.length} jobs${runs.length > entries.length ? ` of ${runs.length} runs` : ""} on ${runner.join(", ")}`,
  );
  for (const p of runs)
    core.info(
      `  ${runLabel(payloadRun(p))}: ${JSON.stringify(p.params)}${p.resume ? `, continuing ${p.resume.id}` : ""}`,
    );
}

/**
 * With no study on the base branch, the defaults run on its commit beside the
 * first round, so that the pull request still has something to compare with.
 */
async function referenceOnBase(config: Config, next: OpenRound, findSha: () => Promise<string>): Promise<OpenRound> {
  let sha: string;
  try {
    sha = await findSha();
  } catch (err) {
    core.warning(`no reference run on the base branch: ${(err as Error).message}`);
    return next;
  }
  const added = withReference(config, next, sha);
  if (added.kind === "skipped") {
    core.info(`the base branch has no study to compare with, and ${added.reason}`);
    return next;
  }
  core.info(
    `the base branch has no study to compare with: trial ${added.trial} runs the config's defaults on its commit ${sha.slice(0, 7)} as a reference`,
  );
  return added.round;
}
/** What a new study starts from; a state that cannot be read or used is a warning, and the study starts cold. */
function warmStartOf(inputs: PlanInputs, config: Config): WarmStart | undefined {
  if (!inputs.warmStart) return undefined;
  const { dir, runId } = inputs.warmStart;
  try {
    const warm = readWarmStart(join(dir, STATE_FILE), config, `run ${runId}`);
    if ("refused" in warm) {
      core.warning(`no warm start: ${warm.refused}`, { title: "matrix-tune" });
      return undefined;
    }
    core.notice(warmStartLine({ warmStart: warm })!, { title: "matrix-tune" });
    return warm;
  } catch (err) {
    core.warning(`no warm start from run ${runId}: ${(err as Error).message}`, { title: "matrix-tune" });
    return undefined;
  }
}

/** The comparison is a bonus: failing to find the base study must not stop the round. */
async function lookUpBaseline(inputs: PlanInputs, config: Config): Promise<number | undefined> {
  // The warm-start step of this job has just found it.
  if (inputs.warmStart && config.warm_start.from === "base") return inputs.warmStart.runId;
  if (!inputs.findBaseline) return undefined;
  try {
    return await inputs.findBaseline(config);
  } catch (err) {
    core.warning(`no comparison with the base branch this round: ${(err as Error).message}`);
    return undefined;
  }
}

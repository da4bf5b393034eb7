/**
 * `command: report` — the last job of a round: gather the round's results,
 * account for trial jobs that left none, record everything in the study
 * (idempotently: a re-run changes nothing), save it, show it (job summary and
 * one PR comment), and start the next round or name the winner.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import * as core from "@actions/core";
import { botStateLine, readBotState } from "../bot/status.ts";
import {
  compareFrontWithReference,
  compareStudies,
  compareStudyFronts,
  compareWithReference,
} from "../compare/studies.ts";
import type { Overrides } from "../config/overrides.ts";
import type { Config } from "../config/schema.ts";
import { trustedSettingsLine } from "../config/trusted.ts";
import { finishRound } from "../driver/round.ts";
import { call, type GitHubClient } from "../github/client.ts";
import { findComment, studyMarker, writeComment } from "../github/comments.ts";
import { dispatchWorkflow } from "../github/dispatch.ts";
import { listTrialJobs } from "../github/jobs.ts";
import type { Repo } from "../github/repo.ts";
import { PAGE_FILE, writeReportPageOrWarn } from "../page/write.ts";
import { renderComparison } from "../report/comparison.ts";
import { isMultiObjective } from "../report/front.ts";
import { renderFrontComparison } from "../report/front-comparison.ts";
import { COMMENT_LIMIT, markdownReport } from "../report/markdown.ts";
import type { Study } from "../study/schema.ts";
import { readStudy, STATE_FILE } from "../study/store.ts";
import { referenceTrial } from "../study/study.ts";
import { loadActionConfig } from "./config.ts";
import { actionsLog } from "./log.ts";
import { matrixBackend } from "./matrix.ts";
import { setDoneOutputs } from "./outputs.ts";
import { readOrCreateStudy, saveStudy } from "./state.ts";

export interface ReportInputs {
  config: string;
  stateDir: string;
  resultsDir: string;
  client: GitHubClient;
  repo: Repo;
  runId: number;
  /** Link to this run, for the comment and summary. */
  runUrl: string;
  /** The pull request to comment on, if any. */
  pr: number | undefined;
  /** The commit `/tune` pinned, when the study came from the bot. */
  sha: string | undefined;
  overrides: Overrides;
  /** Where the base branch's study state was downloaded, if there is one. */
  baselineDir: string;
  /** The base branch's name, for the comparison's label. */
  baseLabel: string;
  /** Where to dispatch the next round; undefined to leave that to the caller. */
  dispatch: { workflow: string; ref: string; inputs: Record<string, string> } | undefined;
  /** The login the token comments as: only its comment is the study's. */
  botLogin: string;
  /** The study runs a fork's code: its trusted settings come from `trusted`, the default branch's config. */
  fork: boolean;
  trusted?: string;
}

/** The comparison with the base branch's study, when its state was downloaded. */
function baselineSection(config: Config, study: Study, inputs: ReportInputs): string | undefined {
  if (config.compare === "off") return undefined;
  if (!existsSync(join(inputs.baselineDir, STATE_FILE))) return referenceSection(config, study, inputs);
  const base = readStudy(join(inputs.baselineDir, STATE_FILE));
  const goals = (c: Config) => c.objective.map((o) => `${o.goal} ${o.metric}`).join(", ");
  if (goals(base.config) !== goals(config)) {
    core.warning(`the base branch's study optimizes ${goals(base.config)}, this one ${goals(config)}: not compared`);
    return undefined;
  }
  const candidate = { study, label: "this pull request", ref: inputs.sha };
  const baseline = { study: base, label: inputs.baseLabel };
  const title = `Compared with ${inputs.baseLabel}${base.stop ? "" : " (its study has not finished yet)"}`;
  if (isMultiObjective(config)) {
    const fronts = compareStudyFronts(config, candidate, baseline);
    return fronts && renderFrontComparison(fronts, title);
  }
  const c = compareStudies(config, candidate, baseline);
  return c && renderComparison(c, { title });
}

/** The comparison with the study's own reference run: the defaults on the base branch's commit. */
function referenceSection(config: Config, study: Study, inputs: ReportInputs): string | undefined {
  const reference = referenceTrial(study);
  if (!reference?.ref) return undefined;
  const candidate = { study, label: "this pull request", ref: inputs.sha };
  const title = `Compared with ${inputs.baseLabel} (no study there yet: its defaults, trial ${reference.id}, on ${reference.ref.slice(0, 7)})`;
  if (isMultiObjective(config)) {
    const fronts = compareFrontWithReference(config, candidate, inputs.baseLabel);
    if (fronts) return renderFrontComparison(fronts, title);
  } else {
    const c = compareWithReference(config, candidate, inputs.baseLabel);
    if (c) return renderComparison(c, { title });
  }
  const pending = reference.status === "pending" || reference.status === "running";
  return `### ${title}\n\n${pending ? "The reference run has not finished yet." : `The reference run ${reference.status}: nothing to compare with (see trial ${reference.id} in the table).`}`;
}

/** A line for the comment when the pull request moved on after `/tune` pinned its commit. */
async function headMovedNote(inputs: ReportInputs): Promise<string | undefined> {
  if (inputs.pr === undefined || !inputs.sha) return undefined;
  const pr = inputs.pr;
  const { data } = await call(`reading pull request #${pr}`, "pull-requests: read", () =>
    inputs.client.rest.pulls.get({ ...inputs.repo, pull_number: pr }),
  );
  if (data.head.sha === inputs.sha) return undefined;
  return `⚠️ The pull request has new commits since this study started: it tunes ${inputs.sha.slice(0, 7)}, the head is now ${data.head.sha.slice(0, 7)}. Comment \`/tune restart\` to tune the new head.`;
}

export async function report(inputs: ReportInputs): Promise<void> {
  const { config } = loadActionConfig(inputs.config, inputs.overrides, inputs.trusted);
  const planned = readOrCreateStudy(inputs.stateDir, config, actionsLog);
  const outcomes = await matrixBackend({
    log: actionsLog,
    resultsDir: inputs.resultsDir,
    runId: inputs.runId,
    listJobs: () => listTrialJobs(inputs.client, inputs.repo, inputs.runId),
  }).gather({ study: planned });

  const marker = studyMarker(config.name);
  const existing =
    inputs.pr !== undefined
      ? await findComment(inputs.client, inputs.repo, inputs.pr, marker, inputs.botLogin)
      : undefined;
  const bot = readBotState(existing?.body);
  // The next round is the plan job's to open, from the state saved here.
  const { study, next } = finishRound(
    config,
    planned,
    {
      ...outcomes,
      ...(bot?.status === "stopping"
        ? { stopRequested: `stopped with /tune stop by @${bot.stopRequestedBy ?? bot.requestedBy}` }
        : {}),
    },
    Date.now(),
  );
  saveStudy(inputs.stateDir, study);
  const page = writeReportPageOrWarn(join(inputs.stateDir, PAGE_FILE), config, study, core.warning);

  const linkFor = (t: Study["trials"][number]) => t.attempts[t.attempts.length - 1]?.jobUrl;
  const context = [`Round ${study.rounds.length} ran in [this workflow run](${inputs.runUrl}).`];
  if (inputs.sha)
    context.push(`Tuning commit ${inputs.sha.slice(0, 7)}${bot ? `, as asked by @${bot.requestedBy}` : ""}.`);
  if (inputs.fork) context.push(`${capitalize(trustedSettingsLine(inputs.trusted ?? ""))}.`);
  if (page)
    context.push(
      `Charts and every trial: \`${PAGE_FILE}\` in this run's [state artifact](${inputs.runUrl}#artifacts), a page to open in a browser.`,
    );
  if (next.kind === "round" && inputs.dispatch) context.push(`Round ${next.round} is starting next.`);
  const moved = await headMovedNote(inputs);
  if (moved) context.push(moved);
  const comparison = baselineSection(config, study, inputs);
  const summary = markdownReport(config, study, { linkFor, context, comparison });
  await core.summary.addRaw(summary).write();

  if (inputs.pr !== undefined) {
    const botLine = bot ? `${botStateLine({ ...bot, status: next.kind === "done" ? "done" : bot.status })}\n` : "";
    const body = markdownReport(config, study, {
      linkFor,
      context,
      comparison,
      maxChars: COMMENT_LIMIT - marker.length - botLine.length - 1,
      fullReportUrl: inputs.runUrl,
    });
    const comment = await writeComment(
      inputs.client,
      inputs.repo,
      inputs.pr,
      existing,
      `${marker}\n${botLine}${body}`,
      inputs.botLogin,
    );
    core.info(`${comment.created ? "created" : "updated"} ${comment.url}`);
    core.setOutput("comment-url", comment.url);
  }

  core.setOutput("study-id", config.name);
  core.setOutput("round", String(study.rounds.length));
  if (next.kind === "done") {
    core.info(`study ${config.name} is done: ${next.stop.message}`);
    setDoneOutputs(config, study);
    return;
  }
  core.setOutput("done", "false");
  if (inputs.dispatch) {
    const { workflow, ref, inputs: dispatchInputs } = inputs.dispatch;
    await dispatchWorkflow(inputs.client, inputs.repo, workflow, ref, dispatchInputs);
    core.info(`dispatched round ${next.round}: ${workflow} on ${ref}`);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * `command: report` — the last job of a round: gather the round's results,
 * account for trial jobs that left none, record everything in the study
 * (idempotently: a re-run changes nothing), save it, show it (job summary and
 * one PR comment), and start the next round or name the winner.
 */
import * as core from "@actions/core";
import type { Config } from "../config/schema.ts";
import { planRound } from "../engine/plan.ts";
import type { GitHubClient } from "../github/client.ts";
import { studyMarker, upsertComment } from "../github/comments.ts";
import { dispatchWorkflow } from "../github/dispatch.ts";
import { listTrialJobs, type TrialJob } from "../github/jobs.ts";
import type { Repo } from "../github/repo.ts";
import { COMMENT_LIMIT, markdownReport } from "../report/markdown.ts";
import type { Attempt, Study } from "../study/schema.ts";
import { recordAttempt } from "../study/study.ts";
import { loadActionConfig } from "./config.ts";
import { setDoneOutputs } from "./outputs.ts";
import { mergeResultFiles, readOrCreateStudy, saveStudy } from "./state.ts";

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
  /** Where to dispatch the next round; undefined to leave that to the caller. */
  dispatch: { workflow: string; ref: string; inputs: Record<string, string> } | undefined;
}

/** The runs of the study's last round that have no recorded attempt. */
function missingRuns(study: Study): { trialId: number; attempt: number }[] {
  const round = study.rounds[study.rounds.length - 1];
  if (!round) return [];
  return round.runs.filter((r) => !study.trials[r.trialId]!.attempts.some((a) => a.attempt === r.attempt));
}

function lostAttempt(trialId: number, attempt: number, job: TrialJob | undefined): Attempt {
  const reason = job
    ? `the trial job ended (${job.conclusion ?? job.status}) without leaving a readable result; see its log`
    : "no trial job of this run ran it (the matrix may have been cut short)";
  return {
    status: "failed",
    reason,
    trialId,
    attempt,
    durationMs: 0,
    exitCode: null,
    signal: null,
    metrics: {},
    intermediate: [],
    logTail: "",
    ...(job ? { jobUrl: job.url, runner: job.runner } : {}),
  };
}

export function gatherRound(config: Config, planned: Study, resultsDir: string, jobs: readonly TrialJob[]): Study {
  const jobOf = (trialId: number, attempt: number) => jobs.find((j) => j.trialId === trialId && j.attempt === attempt);
  let { study } = mergeResultFiles(planned, resultsDir, (a) => {
    const job = jobOf(a.trialId, a.attempt);
    return job ? { ...a, jobUrl: job.url } : a;
  });
  for (const run of missingRuns(study)) {
    const job = jobOf(run.trialId, run.attempt);
    core.warning(`trial ${run.trialId} (attempt ${run.attempt}) left no result${job ? `: ${job.url}` : ""}`);
    study = recordAttempt(study, lostAttempt(run.trialId, run.attempt, job));
  }
  return study;
}

export async function report(inputs: ReportInputs): Promise<void> {
  const { config } = loadActionConfig(inputs.config);
  const planned = readOrCreateStudy(inputs.stateDir, config);
  const jobs = await listTrialJobs(inputs.client, inputs.repo, inputs.runId);
  let study = gatherRound(config, planned, inputs.resultsDir, jobs);

  // Ask the engine whether another round follows; its planned round is not kept,
  // since the next plan job computes the same one from the same state.
  const next = planRound(config, study);
  if (next.kind === "done") study = next.study;
  saveStudy(inputs.stateDir, study);

  const linkFor = (t: Study["trials"][number]) => t.attempts[t.attempts.length - 1]?.jobUrl;
  const context = [`Round ${study.rounds.length} ran in [this workflow run](${inputs.runUrl}).`];
  if (next.kind === "round" && inputs.dispatch) context.push(`Round ${next.round} is starting next.`);
  const summary = markdownReport(config, study, { linkFor, context });
  await core.summary.addRaw(summary).write();

  if (inputs.pr !== undefined) {
    const body = markdownReport(config, study, {
      linkFor,
      context,
      maxChars: COMMENT_LIMIT - studyMarker(config.name).length - 1,
      fullReportUrl: inputs.runUrl,
    });
    const comment = await upsertComment(inputs.client, inputs.repo, inputs.pr, studyMarker(config.name), body);
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

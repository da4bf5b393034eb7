/**
 * The jobs of a workflow run, to account for trial jobs that ended without
 * leaving a result (a runner that died, a job cancelled or timed out), and
 * for the runner time each one took.
 */
import type { Run } from "../protocol/run.ts";
import { call, type GitHubClient } from "./client.ts";
import { parseTrialJobName } from "./job-names.ts";
import type { Repo } from "./repo.ts";

/**
 * A trial job as GitHub lists it. A job names the runs it ran, a list because
 * a job may run several (a batch of trials); the runner time between its start
 * and end is shared among them (see study/runner-time.ts).
 */
export interface TrialJob {
  runs: Run[];
  status: string;
  conclusion: string | null;
  url: string;
  runner: string | undefined;
  /** When a runner took the job and when it ended (ISO 8601): GitHub bills the time between. */
  startedAt?: string;
  completedAt?: string;
}

export async function listTrialJobs(client: GitHubClient, repo: Repo, runId: number): Promise<TrialJob[]> {
  const jobs = await call(`listing the jobs of run ${runId}`, "actions: read", () =>
    client.paginate(client.rest.actions.listJobsForWorkflowRun, {
      ...repo,
      run_id: runId,
      per_page: 100,
      filter: "latest",
    }),
  );
  const out: TrialJob[] = [];
  for (const j of jobs) {
    // A job of several runs (trials_per_job) names them all.
    const runs = parseTrialJobName(j.name);
    if (runs)
      out.push({
        runs,
        status: j.status,
        conclusion: j.conclusion,
        url: j.html_url ?? "",
        runner: j.runner_name ?? undefined,
        startedAt: j.started_at,
        ...(j.completed_at ? { completedAt: j.completed_at } : {}),
      });
  }
  return out;
}

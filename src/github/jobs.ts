/**
 * The jobs of a workflow run, to account for trial jobs that ended without
 * leaving a result (a runner that died, a job cancelled or timed out).
 */
import { call, type GitHubClient } from "./client.ts";
import type { Repo } from "./repo.ts";

export interface TrialJob {
  trialId: number;
  attempt: number;
  status: string;
  conclusion: string | null;
  url: string;
  runner: string | undefined;
}

/** Trial jobs are named `trial <id> (attempt <n>)`; a reusable workflow prefixes the caller's job name. */
const TRIAL_JOB = /trial (\d+) \(attempt (\d+)\)\s*$/;

export function parseTrialJobName(name: string): { trialId: number; attempt: number } | undefined {
  const m = TRIAL_JOB.exec(name);
  return m ? { trialId: Number(m[1]), attempt: Number(m[2]) } : undefined;
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
    const id = parseTrialJobName(j.name);
    if (id)
      out.push({
        ...id,
        status: j.status,
        conclusion: j.conclusion,
        url: j.html_url ?? "",
        runner: j.runner_name ?? undefined,
      });
  }
  return out;
}

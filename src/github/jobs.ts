/**
 * The jobs of a workflow run, to account for trial jobs that ended without
 * leaving a result (a runner that died, a job cancelled or timed out).
 */
import type { Run } from "../protocol/run.ts";
import { call, type GitHubClient } from "./client.ts";
import { parseTrialJobName } from "./job-names.ts";
import type { Repo } from "./repo.ts";

export interface TrialJob extends Run {
  status: string;
  conclusion: string | null;
  url: string;
  runner: string | undefined;
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

/**
 * The jobs of a workflow run, to account for trial jobs that ended without
 * leaving a result (a runner that died, a job cancelled or timed out).
 */
import type { Run } from "../study/study.ts";
import { call, type GitHubClient } from "./client.ts";
import type { Repo } from "./repo.ts";

export interface TrialJob extends Run {
  status: string;
  conclusion: string | null;
  url: string;
  runner: string | undefined;
}

/**
 * How trial jobs are named (the `name:` of tune.yml's trial job says the same in
 * expressions) and how logs and warnings name a run: `trial <id> (attempt <n>)`,
 * or `trial <id> (attempt <n>, member <m>)` with repeats or folds.
 */
export function runLabel(run: Run): string {
  return `trial ${run.trialId} (attempt ${run.attempt}${run.member !== undefined ? `, member ${run.member}` : ""})`;
}

/** The inverse of runLabel; a reusable workflow prefixes the caller's job name. */
const TRIAL_JOB = /trial (\d+) \(attempt (\d+)(?:, member (\d+))?\)\s*$/;

export function parseTrialJobName(name: string): Run | undefined {
  const m = TRIAL_JOB.exec(name);
  if (!m) return undefined;
  return { trialId: Number(m[1]), attempt: Number(m[2]), ...(m[3] !== undefined ? { member: Number(m[3]) } : {}) };
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

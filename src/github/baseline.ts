/**
 * Finding the base branch's study: the newest successful run of the same
 * workflow on the base branch that left a `matrix-tune-state` artifact. Its id
 * goes to the workflow, whose download-artifact step fetches the state (the
 * official action moves artifacts; our code reads a plain directory).
 */
import { call, type GitHubClient } from "./client.ts";
import type { Repo } from "./repo.ts";

/** How many recent runs are looked at before concluding there is no base study. */
const RUNS_CHECKED = 5;

export async function findBaselineRun(
  client: GitHubClient,
  repo: Repo,
  workflow: string,
  branch: string,
): Promise<number | undefined> {
  const { data } = await call(`listing ${workflow} runs on ${branch}`, "actions: read", () =>
    client.rest.actions.listWorkflowRuns({
      ...repo,
      workflow_id: workflow,
      branch,
      status: "success",
      per_page: RUNS_CHECKED,
    }),
  );
  for (const run of data.workflow_runs) if (await hasStudyState(client, repo, run.id)) return run.id;
  return undefined;
}

/** Whether a workflow run left a study state artifact that has not expired. */
export async function hasStudyState(client: GitHubClient, repo: Repo, runId: number): Promise<boolean> {
  const { data } = await call(`listing the artifacts of run ${runId}`, "actions: read", () =>
    client.rest.actions.listWorkflowRunArtifacts({ ...repo, run_id: runId, name: "matrix-tune-state", per_page: 1 }),
  );
  return data.artifacts.some((a) => !a.expired);
}

/** The base branch of a pull request: from the event when it has one, else from the API. */
export async function baseBranchOf(
  client: GitHubClient,
  repo: Repo,
  pr: number,
  fromEvent: string | undefined,
): Promise<string> {
  return fromEvent ?? (await readPull(client, repo, pr)).base.ref;
}

/** The commit of a pull request's base: from the event when it has one, else from the API. */
export async function baseShaOf(
  client: GitHubClient,
  repo: Repo,
  pr: number,
  fromEvent: string | undefined,
): Promise<string> {
  return fromEvent ?? (await readPull(client, repo, pr)).base.sha;
}

async function readPull(client: GitHubClient, repo: Repo, pr: number) {
  const { data } = await call(`reading pull request #${pr}`, "pull-requests: read", () =>
    client.rest.pulls.get({ ...repo, pull_number: pr }),
  );
  return data;
}

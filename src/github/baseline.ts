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
  for (const run of data.workflow_runs) {
    const { data: artifacts } = await call(`listing the artifacts of run ${run.id}`, "actions: read", () =>
      client.rest.actions.listWorkflowRunArtifacts({ ...repo, run_id: run.id, name: "matrix-tune-state", per_page: 1 }),
    );
    if (artifacts.artifacts.some((a) => !a.expired)) return run.id;
  }
  return undefined;
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

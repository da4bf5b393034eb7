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

/** The base branch of a pull request and its commit: from the event when it has them, else from the API. */
export async function baseOf(
  client: GitHubClient,
  repo: Repo,
  pr: number,
  fromEvent: { ref?: string; sha?: string } | undefined,
): Promise<{ ref: string; sha: string }> {
  if (fromEvent?.ref && fromEvent.sha) return { ref: fromEvent.ref, sha: fromEvent.sha };
  const { data } = await call(`reading pull request #${pr}`, "pull-requests: read", () =>
    client.rest.pulls.get({ ...repo, pull_number: pr }),
  );
  return { ref: data.base.ref, sha: data.base.sha };
}

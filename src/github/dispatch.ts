/** Starting the next round: a `workflow_dispatch` of the same workflow on the same ref. */
import { call, type GitHubClient } from "./client.ts";
import type { Repo } from "./repo.ts";

/** The workflow file of this run, from GITHUB_WORKFLOW_REF (`owner/repo/.github/workflows/tune.yml@refs/heads/main`). */
export function workflowFileFromRef(workflowRef: string): string {
  const path = workflowRef.split("@")[0] ?? "";
  const file = path.split("/").pop();
  if (!file || !/\.ya?ml$/.test(file))
    throw new Error(`cannot tell the workflow file from GITHUB_WORKFLOW_REF "${workflowRef}"`);
  return file;
}

export async function dispatchWorkflow(
  client: GitHubClient,
  repo: Repo,
  workflow: string,
  ref: string,
  inputs: Record<string, string>,
): Promise<void> {
  await call(`starting the next round (dispatching ${workflow} on ${ref})`, "actions: write", () =>
    client.rest.actions.createWorkflowDispatch({ ...repo, workflow_id: workflow, ref, inputs }),
  );
}

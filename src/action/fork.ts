/**
 * Whether a study runs a fork's code, and so which config decides the settings
 * a fork may not choose. The plan job decides from the event or the pull
 * request and passes its answer on (output `fork`); the later jobs of the run
 * take that answer rather than asking again.
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import { call, type GitHubClient } from "../github/client.ts";
import type { Repo } from "../github/repo.ts";
import { workspacePath } from "./config.ts";

const eventPullSchema = z.looseObject({
  head: z.looseObject({ repo: z.looseObject({ full_name: z.string() }).nullable() }),
});

export interface ForkQuestion {
  /** The `fork` input: "true" or "false" from the plan's output, or "" to find out. */
  input: string;
  /** The triggering event's `pull_request`, when the event is about one. */
  eventPull: unknown;
  /** Asked only when the answer depends on it (a trial step may run without GITHUB_REPOSITORY in tests and custom setups). */
  repo: () => Repo;
  pr: number | undefined;
  client: GitHubClient | undefined;
}

export async function isFork(q: ForkQuestion): Promise<boolean> {
  if (q.input === "true" || q.input === "false") return q.input === "true";
  if (q.input) throw new Error(`input fork must be "true", "false" or empty, got "${q.input}"`);
  if (q.eventPull === undefined && q.pr === undefined) return false;
  const repo = q.repo();
  const own = `${repo.owner}/${repo.repo}`;
  if (q.eventPull !== undefined) {
    const pull = eventPullSchema.safeParse(q.eventPull);
    if (!pull.success) throw new Error("the event's pull_request has no head repository field; refusing to guess");
    // A deleted fork has no head repository: still not ours.
    return pull.data.head.repo?.full_name !== own;
  }
  const { pr, client } = q;
  // Not knowing must not mean "not a fork": the fork's own settings would then apply.
  if (!client)
    throw new Error(
      `cannot tell whether pull request #${pr} comes from a fork: pass the plan step's fork output as the fork input`,
    );
  const { data } = await call(`reading pull request #${pr}`, "pull-requests: read", () =>
    client.rest.pulls.get({ ...repo, pull_number: pr as number }),
  );
  return data.head.repo?.full_name !== own;
}

/** The default branch's config for a fork's study; an error when the workflow did not provide it. */
export function trustedConfigFor(fork: boolean, trusted: string): string | undefined {
  if (!fork) return undefined;
  if (!trusted)
    throw new Error(
      "this study runs a pull request from a fork, and no default-branch config was given (input trusted-config): a fork's runners, environment and budget must come from the default branch. Check the default branch out into a directory of its own and pass its config's path as trusted-config (the reusable workflow does this)",
    );
  if (!existsSync(workspacePath(trusted)))
    throw new Error(
      `this study runs a pull request from a fork, and the default branch has no ${trusted}: a fork's runners, environment and budget come from the default branch's config, so it must have one`,
    );
  return trusted;
}

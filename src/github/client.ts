/**
 * The GitHub REST client: `@actions/github`'s Octokit with the throttling and
 * retry plugins, so rate limits are waited out and transient 5xx answers retried
 * a bounded number of times. `call` names the operation and the permission it
 * needs in any error, because "Resource not accessible by integration" alone
 * tells a user nothing about which line of their workflow to change.
 */
import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck/light.js";

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface ClientOptions {
  token: string;
  baseUrl?: string;
  /** Retries of a failed request (5xx, network) and of a rate-limited one. */
  retries?: number;
  log?: (message: string) => void;
}

export function createClient(opts: ClientOptions): GitHubClient {
  const retries = opts.retries ?? 3;
  const log = opts.log ?? (() => {});
  return getOctokit(
    opts.token,
    {
      baseUrl: opts.baseUrl ?? process.env.GITHUB_API_URL ?? "https://api.github.com",
      // Not `request.retries`: that makes the retry plugin repeat every failure at once, 404s included.
      retry: { retries },
      throttle: {
        // The plugin spaces writes a second apart, GitHub's advice for clients that
        // make many. A round makes two (the comment, the dispatch); a quarter of a
        // second keeps them paced without doubling the report step's time.
        write: new Bottleneck.Group({ id: "matrix-tune-write", maxConcurrent: 1, minTime: 250 }),
        onRateLimit: (after: number, options: { method: string; url: string }, _o: unknown, count: number) => {
          log(`rate limit on ${options.method} ${options.url}: retrying in ${after}s (try ${count + 1} of ${retries})`);
          return count < retries;
        },
        onSecondaryRateLimit: (after: number, options: { method: string; url: string }, _o: unknown, count: number) => {
          log(
            `secondary rate limit on ${options.method} ${options.url}: retrying in ${after}s (try ${count + 1} of ${retries})`,
          );
          return count < retries;
        },
      },
    },
    throttling,
    retry,
  );
}

export class GitHubCallError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = "GitHubCallError";
  }
}

/**
 * Runs one API call; on failure, throws an error that says what was being done,
 * the HTTP status and GitHub's message, and which `permissions:` entry it needs.
 */
export async function call<T>(what: string, permission: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as { status?: number; message?: string; response?: { data?: { message?: string } } };
    const detail = e.response?.data?.message ?? e.message ?? String(err);
    const hint =
      e.status === 403 || e.status === 404
        ? ` The workflow's token needs \`permissions: ${permission}\` for this (and the repository must allow it).`
        : "";
    throw new GitHubCallError(
      `GitHub API call failed while ${what}: ${e.status ?? "no response"} ${detail}.${hint}`,
      e.status,
    );
  }
}

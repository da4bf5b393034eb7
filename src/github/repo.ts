/** The repository a run belongs to, from the environment every Actions job has. */
export interface Repo {
  owner: string;
  repo: string;
}

export function repoFromEnv(env: NodeJS.ProcessEnv = process.env): Repo {
  const full = env.GITHUB_REPOSITORY ?? "";
  const [owner, repo] = full.split("/");
  if (!owner || !repo)
    throw new Error(`GITHUB_REPOSITORY is "${full}", expected "owner/repo": is this running in GitHub Actions?`);
  return { owner, repo };
}

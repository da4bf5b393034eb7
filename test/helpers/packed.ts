/**
 * A study for `trials_per_job`: a trial script whose behaviour its `mode`
 * parameter picks (a good curve, a failure, a hang, a poor curve that the
 * median rule prunes), and the runner time the simulated Action's trial jobs
 * took, as the API lists them and as the report recorded it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GitHubPlayer } from "./github-play.ts";
import type { FakeGitHub, WorkflowJob } from "./github-server.ts";

const TRIAL = `const mode = process.argv[2];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
if (mode === "fail") { console.error("error: failing on purpose"); process.exit(1); }
if (mode === "hang") setInterval(() => {}, 1000);
else if (mode === "prune") {
  // Far below the good curves: pruned at its first step, unless the rule never reached it.
  for (let step = 0; step < 40; step++) { console.log(\`step=\${step} acc=0.1\`); await sleep(50); }
} else {
  const acc = 0.8 + Number(mode.replace(/\\D/g, "")) / 100;
  for (let step = 0; step < 5; step++) console.log(\`step=\${step} acc=\${acc}\`);
}
`;

/**
 * A repository whose study runs `modes` in order (a grid over one categorical
 * parameter), `parallel` per round, `trialsPerJob` per job.
 */
export function packedRepo(modes: readonly string[], parallel: number, trialsPerJob: number): string {
  const dir = mkdtempSync(join(tmpdir(), "mt-packed-"));
  writeFileSync(join(dir, "trial.mjs"), TRIAL);
  writeFileSync(
    join(dir, "tune.yml"),
    `name: packed
command: [node, trial.mjs, "\${mode}"]
objective: {metric: acc, goal: maximize}
parameters:
  mode: {type: categorical, values: [${modes.join(", ")}]}
strategy: grid
timeout: 3s
early_stopping: {rule: median, min_trials: 2, min_steps: 1}
compare: off
runs_on: [self-hosted, gpu]
trials_per_job: ${trialsPerJob}
budget: {max_trials: ${modes.length}, parallel: ${parallel}, max_failures: ${modes.length}}
`,
  );
  return dir;
}

/** Runner time of a study's trial jobs: as the API reports the jobs, billed by the minute, and as the report recorded it. */
export interface RunnerTime {
  jobs: number;
  apiMs: number;
  /** GitHub bills each job's time rounded up to a whole minute. */
  billedMinutes: number;
  /** Σ of the attempts' runnerMs in the last state: the report's own accounting. */
  reportMs: number;
}

export async function runnerTime(gh: FakeGitHub, play: GitHubPlayer): Promise<RunnerTime> {
  const jobs: WorkflowJob[] = [];
  for (const { runId } of play.runs) {
    const res = await fetch(`${gh.url}/repos/${gh.owner}/${gh.repo}/actions/runs/${runId}/jobs?per_page=100`, {
      headers: { authorization: "Bearer gh-token-for-tests", accept: "application/vnd.github+json" },
    });
    jobs.push(...((await res.json()) as { jobs: WorkflowJob[] }).jobs);
  }
  const ms = jobs.map((j) => Date.parse(j.completed_at!) - Date.parse(j.started_at));
  const state = play.state(play.runs.at(-1)!.runId) as {
    trials: { attempts: { runnerMs?: number }[] }[];
  };
  return {
    jobs: jobs.length,
    apiMs: ms.reduce((s, x) => s + x, 0),
    billedMinutes: ms.reduce((s, x) => s + Math.ceil(x / 60_000), 0),
    reportMs: state.trials.flatMap((t) => t.attempts).reduce((s, a) => s + (a.runnerMs ?? 0), 0),
  };
}

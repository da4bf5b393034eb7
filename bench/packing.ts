/**
 * Runner time saved by `trials_per_job`: the same study played through the
 * reusable workflow (bundled Action, loopback GitHub API) with k = 1, 2, 4
 * and 8 runs per trial job. Each job is registered with the API as 60 s of
 * setup plus 30 s per run (simulated times, so the numbers are exact and the
 * same on every machine); runner time is Σ of the jobs' durations as the API
 * lists them, GitHub's billing (each job rounded up to a whole minute), and
 * the report's own accounting (the attempts' runnerMs). Ratios are against
 * k = 1 on the same study.
 *
 *   npm run build && npx tsx bench/packing.ts
 */
import { GitHubPlayer, simulatedJobTimes } from "../test/helpers/github-play.ts";
import { startFakeGitHub } from "../test/helpers/github-server.ts";
import { packedRepo, runnerTime } from "../test/helpers/packed.ts";

const STUDIES = [
  { trials: 8, parallel: 8 },
  { trials: 16, parallel: 8 },
  { trials: 10, parallel: 10 },
];

const minutes = (ms: number) => Number((ms / 60_000).toFixed(2));

async function measure(trials: number, parallel: number, k: number) {
  const gh = await startFakeGitHub();
  try {
    const modes = Array.from({ length: trials }, (_, i) => `good${i + 1}`);
    const play = new GitHubPlayer(gh, packedRepo(modes, parallel, k));
    play.jobTimes = simulatedJobTimes;
    await play.untilDone({ inputs: {}, event: { ref: "refs/heads/main" } }, 20);
    return await runnerTime(gh, play);
  } finally {
    await gh.close();
  }
}

const rows = [];
for (const { trials, parallel } of STUDIES) {
  console.error(`${trials} trials, ${parallel} per round…`);
  const base = await measure(trials, parallel, 1);
  for (const k of [1, 2, 4, 8]) {
    const t = k === 1 ? base : await measure(trials, parallel, k);
    rows.push({
      study: `${trials} trials, ${parallel}/round`,
      k,
      jobs: t.jobs,
      "runner-min (API)": minutes(t.apiMs),
      "billed min": t.billedMinutes,
      "runner-min (report)": minutes(t.reportMs),
      "× fewer (API)": Number((base.apiMs / t.apiMs).toFixed(2)),
      "× fewer (billed)": Number((base.billedMinutes / t.billedMinutes).toFixed(2)),
    });
  }
}
console.table(rows);

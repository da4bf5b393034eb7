/**
 * How long a round's plan and report steps take, and how many REST calls a
 * round makes, for rounds of 16 and 256 trials. Each step is the bundled
 * Action run as a process (as on a runner) against the loopback GitHub API.
 * The baseline, run in the same process, is the bundle starting and exiting
 * at once: the ratio is what the step itself adds.
 *
 *   npm run bench:action
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStep } from "../test/helpers/actions-runner.ts";
import { startFakeGitHub } from "../test/helpers/github-server.ts";

const REPEATS = 5;
const RUN_ID = 4242;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(fn: () => Promise<{ code: number | null; stdout: string }>, ok = true): Promise<number> {
  const t0 = performance.now();
  const r = await fn();
  const ms = performance.now() - t0;
  if (ok && r.code !== 0) throw new Error(r.stdout);
  return ms;
}

function workspace(trials: number): string {
  const ws = mkdtempSync(join(tmpdir(), "mt-bench-"));
  writeFileSync(
    join(ws, "tune.yml"),
    `name: wide
command: [python3, train.py, "--lr=\${lr}"]
objective: {metric: val_loss, goal: minimize}
metrics: {record: [val_accuracy, train_loss]}
parameters:
  lr: {type: float, min: 0.0001, max: 1, scale: log}
  momentum: {type: float, min: 0, max: 0.99}
  layers: {type: int, min: 1, max: 8}
  nodes: {type: int, min: 16, max: 1024, scale: log}
  batch: {type: categorical, values: [16, 32, 64, 128, 256]}
  dropout: {type: float, min: 0, max: 0.5, step: 0.05}
strategy: sobol
budget: {max_trials: ${trials * 2}, parallel: ${trials}}
`,
  );
  return ws;
}

async function measure(trials: number): Promise<Record<string, number | string>> {
  const gh = await startFakeGitHub();
  const env = {
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: `${gh.owner}/${gh.repo}`,
    GITHUB_RUN_ID: String(RUN_ID),
    GITHUB_WORKFLOW_REF: `${gh.owner}/${gh.repo}/.github/workflows/tune.yml@refs/heads/main`,
    GITHUB_REF_NAME: "main",
  };
  const ws = workspace(trials);
  const baseline: number[] = [];
  const plan: number[] = [];
  const report: number[] = [];
  let calls = 0;
  for (let i = 0; i < REPEATS; i++) {
    baseline.push(await timed(() => runStep({ workspace: ws, inputs: { command: "none" }, env }), false));
    rmSync(join(ws, ".matrix-tune"), { recursive: true, force: true });
    plan.push(await timed(() => runStep({ workspace: ws, inputs: { command: "plan" }, env })));
  }
  // The round's results, as the trial jobs would have left them, and its jobs.
  const results = join(ws, ".matrix-tune/results");
  mkdirSync(results, { recursive: true });
  for (let t = 0; t < trials; t++) {
    writeFileSync(
      join(results, `result-${t}-1.json`),
      JSON.stringify({
        version: 1,
        study: "wide",
        status: "succeeded",
        value: 1 / (t + 1),
        trialId: t,
        attempt: 1,
        durationMs: 60_000,
        exitCode: 0,
        signal: null,
        metrics: { val_loss: 1 / (t + 1), val_accuracy: 0.9, train_loss: 0.1 },
        intermediate: Array.from({ length: 20 }, (_, s) => ({ step: s, values: { val_loss: 1 / (s + 1) } })),
        logTail: "epoch=20 val_loss=0.1\n".repeat(40),
      }),
    );
    gh.addJob(RUN_ID, { name: `tune / trial ${t} (attempt 1)`, status: "completed", conclusion: "success" });
  }
  const planned = mkdtempSync(join(tmpdir(), "mt-planned-"));
  cpSync(join(ws, ".matrix-tune/state"), planned, { recursive: true });
  for (let i = 0; i < REPEATS; i++) {
    cpSync(planned, join(ws, ".matrix-tune/state"), { recursive: true });
    const before = gh.requests.length;
    report.push(
      await timed(() => runStep({ workspace: ws, inputs: { command: "report", pr: "7" }, env, event: { number: 7 } })),
    );
    calls = gh.requests.length - before;
  }
  gh.assertNoViolations();
  await gh.close();
  const b = median(baseline);
  return {
    trials,
    "baseline ms": Math.round(b),
    "plan ms": Math.round(median(plan)),
    "plan / baseline": (median(plan) / b).toFixed(2),
    "report ms": Math.round(median(report)),
    "report / baseline": (median(report) / b).toFixed(2),
    "REST calls per report": calls,
  };
}

const rows = [];
for (const n of [16, 256]) {
  console.error(`measuring a round of ${n} trials (${REPEATS} repeats)…`);
  rows.push(await measure(n));
}
console.table(rows);

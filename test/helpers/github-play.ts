/**
 * Plays GitHub Actions for the reusable workflow (.github/workflows/tune.yml):
 * each job gets a fresh checkout of a template repository, artifacts are
 * directories kept per run and name (what upload/download-artifact do), the
 * matrix is expanded exactly as `fromJSON` and `toJSON(matrix)` would, jobs are
 * registered with the loopback GitHub API, and a report's workflow_dispatch
 * becomes the next run. Every step is the bundled Action run as a process.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStep, type StepResult } from "./actions-runner.ts";
import type { FakeGitHub } from "./github-server.ts";

export type TrialFault = "dies" | "corrupt";

export interface RunPlan {
  /** Inputs of the run (workflow_dispatch inputs, or empty for the first). */
  inputs: { "state-run-id"?: string; pr?: string; sha?: string; overrides?: string };
  /** The triggering event's payload. */
  event: unknown;
  faults?: Map<number, TrialFault>;
  /** Stop after running these trials (by index in the matrix): a cancelled run with no report. */
  cancelAfter?: number;
}

export interface RunRecord {
  runId: number;
  plan: StepResult;
  trials: StepResult[];
  report?: StepResult;
}

const PLAN_STATE = "matrix-tune-state";

interface World {
  nextRunId: number;
  artifacts: Map<number, Map<string, string>>;
}
const worlds = new WeakMap<FakeGitHub, World>();

export class GitHubPlayer {
  private readonly artifacts: Map<number, Map<string, string>>;
  readonly store = mkdtempSync(join(tmpdir(), "mt-artifacts-"));
  readonly runs: RunRecord[] = [];

  constructor(
    private readonly gh: FakeGitHub,
    /** A directory that every job checks out afresh. */
    private readonly template: string,
    private readonly config = "tune.yml",
    private readonly headRef = "feature/better-model",
  ) {
    // Run ids and artifacts belong to the repository, not to one player.
    const world = worlds.get(gh) ?? { nextRunId: 9001, artifacts: new Map() };
    worlds.set(gh, world);
    this.world = world;
    this.artifacts = world.artifacts;
  }

  private readonly world: World;

  private checkout(): string {
    const ws = mkdtempSync(join(tmpdir(), "mt-ws-"));
    cpSync(this.template, ws, { recursive: true });
    return ws;
  }

  /** Makes a finished run visible to the API as a successful run of the workflow with its state artifact. */
  publish(runId: number, branch: string): void {
    this.gh.addRun({
      id: runId,
      status: "completed",
      conclusion: "success",
      head_branch: branch,
      path: ".github/workflows/tune.yml",
    });
    this.gh.addArtifact(runId, { name: PLAN_STATE });
  }

  private upload(runId: number, name: string, from: string): void {
    if (!existsSync(from) || readdirSync(from).length === 0) return; // if-no-files-found: warn
    const to = join(this.store, String(runId), name);
    rmSync(to, { recursive: true, force: true }); // overwrite: true
    cpSync(from, to, { recursive: true });
    const run = this.artifacts.get(runId) ?? new Map<string, string>();
    run.set(name, to);
    this.artifacts.set(runId, run);
  }

  /** download-artifact: by name into `to`, or every artifact matching `prefix*` merged into `to`. */
  private download(runId: number, to: string, pick: { name: string } | { prefix: string }): void {
    mkdirSync(to, { recursive: true });
    for (const [name, dir] of this.artifacts.get(runId) ?? [])
      if ("name" in pick ? name === pick.name : name.startsWith(pick.prefix)) cpSync(dir, to, { recursive: true });
  }

  /** The state file a run left as its artifact. */
  state(runId: number): {
    trials: {
      id: number;
      status: string;
      attempts: { attempt: number; status: string; reason?: string; jobUrl?: string }[];
      params: Record<string, unknown>;
    }[];
    rounds: unknown[];
    stop?: { code: string };
  } {
    const dir = this.artifacts.get(runId)?.get(PLAN_STATE);
    if (!dir) throw new Error(`run ${runId} has no state artifact`);
    return JSON.parse(readFileSync(join(dir, "state.json"), "utf8"));
  }

  private env(runId: number): Record<string, string> {
    return {
      GITHUB_API_URL: this.gh.url,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: `${this.gh.owner}/${this.gh.repo}`,
      GITHUB_RUN_ID: String(runId),
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_WORKFLOW_REF: `${this.gh.owner}/${this.gh.repo}/.github/workflows/tune.yml@refs/heads/${this.headRef}`,
      GITHUB_REF_NAME: this.headRef,
      GITHUB_HEAD_REF: this.headRef,
    };
  }

  async planJob(runId: number, run: RunPlan): Promise<StepResult> {
    const ws = this.checkout();
    const prev = run.inputs["state-run-id"];
    if (prev) {
      this.download(Number(prev), join(ws, ".matrix-tune/state"), { name: PLAN_STATE });
      this.download(Number(prev), join(ws, ".matrix-tune/results"), { prefix: "matrix-tune-result-" });
    }
    const plan = await runStep({
      workspace: ws,
      inputs: { command: "plan", config: this.config, overrides: run.inputs.overrides ?? "", pr: run.inputs.pr ?? "" },
      env: this.env(runId),
      event: run.event,
    });
    if (plan.code !== 0) throw new Error(`plan failed: ${plan.stdout}${plan.stderr}`);
    this.upload(runId, PLAN_STATE, join(ws, ".matrix-tune/state"));
    return plan;
  }

  async trialJob(
    runId: number,
    entry: { trial: number; attempt: number },
    fault: TrialFault | undefined,
    run: RunPlan,
  ): Promise<StepResult | undefined> {
    const name = `tune / trial ${entry.trial} (attempt ${entry.attempt})`;
    const url = `https://github.com/${this.gh.owner}/${this.gh.repo}/actions/runs/${runId}/job/${runId * 100 + entry.trial}`;
    if (fault === "dies") {
      this.gh.addJob(runId, {
        name,
        status: "completed",
        conclusion: "failure",
        html_url: url,
        runner_name: "gpu-runner-3",
      });
      return undefined;
    }
    const ws = this.checkout();
    // toJSON(matrix) pretty-prints the entry, as GitHub's expression function does.
    const payload = JSON.stringify(entry, null, 2);
    const result = await runStep({
      workspace: ws,
      inputs: { command: "trial", config: this.config, payload, overrides: run.inputs.overrides ?? "" },
      env: this.env(runId),
      event: run.event,
    });
    const results = join(ws, ".matrix-tune/results");
    if (fault === "corrupt")
      for (const f of readdirSync(results)) writeFileSync(join(results, f), '{"version": 1, "study": "dig');
    this.upload(runId, `matrix-tune-result-${entry.trial}-${entry.attempt}`, results);
    this.gh.addJob(runId, {
      name,
      status: "completed",
      conclusion: result.code === 0 ? "success" : "failure",
      html_url: url,
      runner_name: "gpu-runner-1",
    });
    return result;
  }

  async reportJob(runId: number, run: RunPlan, baselineRunId = ""): Promise<StepResult> {
    const ws = this.checkout();
    this.download(runId, join(ws, ".matrix-tune/state"), { name: PLAN_STATE });
    this.download(runId, join(ws, ".matrix-tune/results"), { prefix: "matrix-tune-result-" });
    if (baselineRunId) this.download(Number(baselineRunId), join(ws, ".matrix-tune/baseline"), { name: PLAN_STATE });
    const report = await runStep({
      workspace: ws,
      inputs: {
        command: "report",
        config: this.config,
        pr: run.inputs.pr ?? "",
        sha: run.inputs.sha ?? "",
        overrides: run.inputs.overrides ?? "",
      },
      env: this.env(runId),
      event: run.event,
    });
    this.upload(runId, PLAN_STATE, join(ws, ".matrix-tune/state"));
    return report;
  }

  /** One workflow run: plan, the matrix, then report (unless cancelled). */
  async run(run: RunPlan): Promise<RunRecord> {
    const runId = this.world.nextRunId++;
    const plan = await this.planJob(runId, run);
    const record: RunRecord = { runId, plan, trials: [] };
    this.runs.push(record);
    if (plan.outputs.done === "true") return record;
    const matrix = JSON.parse(plan.outputs.matrix!) as { include: { trial: number; attempt: number }[] };
    const entries = run.cancelAfter !== undefined ? matrix.include.slice(0, run.cancelAfter) : matrix.include;
    const results = await Promise.all(entries.map((e) => this.trialJob(runId, e, run.faults?.get(e.trial), run)));
    record.trials = results.filter((r): r is StepResult => r !== undefined);
    if (run.cancelAfter !== undefined) return record;
    record.report = await this.reportJob(runId, run, plan.outputs["baseline-run-id"]);
    return record;
  }

  /** Runs the first round, then follows each dispatch until the study is done. */
  async untilDone(
    first: RunPlan,
    maxRuns = 10,
    faultsFor?: (runIndex: number) => Map<number, TrialFault> | undefined,
  ): Promise<RunRecord> {
    let run = first;
    for (let i = 0; i < maxRuns; i++) {
      const dispatched = this.gh.dispatches.length;
      const record = await this.run({ ...run, faults: faultsFor?.(i) ?? run.faults });
      if (record.plan.outputs.done === "true" || record.report?.outputs.done === "true") return record;
      const d = this.gh.dispatches[dispatched];
      if (!d) throw new Error(`round ${i + 1} finished without dispatching the next: ${record.report?.stdout}`);
      const inputs = d.inputs as RunPlan["inputs"];
      run = { inputs, event: { inputs, ref: d.ref, workflow: d.workflow_id } };
    }
    throw new Error(`not done after ${maxRuns} runs`);
  }
}

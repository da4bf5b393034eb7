/**
 * Plays GitHub Actions for the reusable workflow (.github/workflows/tune.yml):
 * each job runs the steps the workflow file lists, with their `if:` and `with:`
 * expressions evaluated as GitHub would, in a fresh checkout of a template
 * repository with a runner temp directory of its own. Artifacts are
 * directories kept per run and name (what upload/download-artifact do), the
 * matrix is expanded exactly as `fromJSON` and `toJSON(matrix)` would, jobs are
 * registered with the loopback GitHub API under the name the workflow gives
 * them, and a report's workflow_dispatch becomes the next run. Every
 * matrix-tune step is the bundled Action run as a process (with the
 * credentials a runner gives it), every `run:` step its script run by bash
 * from here (without them), with `steps.<id>.outputs` and outcomes passed on.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import type { MatrixEntry, TrialPayload } from "../../src/protocol/payload.ts";
import { entryPayloads } from "../../src/trial/payload.ts";
import { type Contexts, expand, runScript, runStep, type StepResult, stepRuns } from "./actions-runner.ts";
import { ROOT } from "./cli.ts";
import type { FakeGitHub } from "./github-server.ts";

export type TrialFault = "dies" | "corrupt";

export type { MatrixEntry };

/** A job's start and end as the jobs API lists them (ISO 8601). */
export interface JobTimes {
  started_at: string;
  completed_at: string;
}

/** Simulated job times (for `jobTimes`): a setup (runner, checkout, dependencies), then the job's runs one after another. */
export const SIMULATED = { start: Date.parse("2026-01-05T10:00:00Z"), setupS: 60, trialS: 30 };

export function simulatedJobTimes(_entry: MatrixEntry, runs: readonly TrialPayload[]): JobTimes {
  const end = SIMULATED.start + (SIMULATED.setupS + SIMULATED.trialS * runs.length) * 1000;
  return { started_at: new Date(SIMULATED.start).toISOString(), completed_at: new Date(end).toISOString() };
}

export interface RunPlan {
  /** Inputs of the run (workflow_dispatch inputs, or empty for the first). */
  inputs: { "state-run-id"?: string; pr?: string; sha?: string; overrides?: string };
  /** The triggering event's payload. */
  event: unknown;
  /**
   * Faults by trial id (every job holding a run of the trial) or by matrix id
   * (`trial-attempt-member`, or a packed job's `_3-1_4-1_`: one job).
   */
  faults?: Map<number | string, TrialFault>;
  /** Stop after running these trials (by index in the matrix): a cancelled run with no report. */
  cancelAfter?: number;
}

export interface TrialJobRecord {
  entry: MatrixEntry;
  /** Its runs, each as the payload it would have alone. */
  runs: TrialPayload[];
  /** The job's name as the API lists it. */
  name: string;
  /** The job's steps that ran code (matrix-tune and `run:`), as one: see combine(); undefined when the job died first. */
  result?: StepResult;
}

export interface RunRecord {
  runId: number;
  plan: StepResult;
  trials: StepResult[];
  jobs: TrialJobRecord[];
  report?: StepResult;
}

/** A step of a workflow file, as YAML parses it. */
export interface WorkflowStep {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string | number | boolean>;
  "continue-on-error"?: boolean;
}
type JobName = "plan" | "trial" | "report";
const WORKFLOW = parse(readFileSync(join(ROOT, ".github/workflows/tune.yml"), "utf8")) as {
  jobs: Record<JobName, { name?: string; steps: WorkflowStep[] }>;
};

const PLAN_STATE = "matrix-tune-state";
/** The repository's default branch: `addCommit(DEFAULT_BRANCH, tree)` gives it a tree of its own. */
export const DEFAULT_BRANCH = "main";

/** A `pull_request` event (synchronize) of pull request `pr` from feature/better-model into main. */
export function pullRequestEvent(pr: number, base: { sha?: string } = {}) {
  return {
    action: "synchronize",
    number: pr,
    pull_request: {
      number: pr,
      head: { ref: "feature/better-model", repo: { full_name: "octo-org/models" } },
      base: { ref: DEFAULT_BRANCH, ...base },
    },
  };
}
const TOKEN = "gh-token-for-tests";

interface World {
  nextRunId: number;
  nextJobId: number;
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
    const world = worlds.get(gh) ?? { nextRunId: 9001, nextJobId: 1, artifacts: new Map() };
    worlds.set(gh, world);
    this.world = world;
    this.artifacts = world.artifacts;
  }

  private readonly world: World;

  /** Variables the runner machine itself has (its `.env` file, say): every step of every job sees them. */
  machineEnv: Record<string, string> = {};

  /** When each trial job started and ended, as the jobs API lists them (by default, when the player added it). */
  jobTimes?: (entry: MatrixEntry, runs: TrialPayload[]) => JobTimes;

  /** Other commits of the repository, by sha: a checkout with that `ref` gets that tree. */
  private readonly commits = new Map<string, string>();
  /** The ref each job's checkout asked for ("" for the run's own commit), in the order jobs ran. */
  readonly checkouts: { job: string; ref: string; path?: string }[] = [];

  addCommit(sha: string, tree: string): void {
    this.commits.set(sha, tree);
  }

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

  /**
   * An artifact of the run with these files (name → text), as anything holding
   * the run's runtime token could upload one; an existing one is replaced.
   */
  plantArtifact(runId: number, name: string, files: Record<string, string>): void {
    const dir = join(this.store, String(runId), name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    const run = this.artifacts.get(runId) ?? new Map<string, string>();
    run.set(name, dir);
    this.artifacts.set(runId, run);
  }

  /** The names of a run's artifacts. */
  artifactNames(runId: number): string[] {
    return [...(this.artifacts.get(runId)?.keys() ?? [])].sort();
  }

  /** upload-artifact: false where the action would fail the step. */
  private upload(runId: number, ws: string, w: Record<string, string>): boolean {
    const from = resolve(ws, w.path!);
    if (!existsSync(from) || readdirSync(from).length === 0) return w["if-no-files-found"] !== "error";
    const run = this.artifacts.get(runId) ?? new Map<string, string>();
    if (run.has(w.name!) && w.overwrite !== "true") return false; // the name is taken in this run
    const to = join(this.store, String(runId), w.name!);
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true });
    run.set(w.name!, to);
    this.artifacts.set(runId, run);
    return true;
  }

  /**
   * download-artifact: one artifact by name (failing when there is none), or
   * every one matching a pattern. `run-id` counts only with a `github-token`,
   * as in the action: without one it reads this run's artifacts.
   */
  private download(runId: number, ws: string, w: Record<string, string>): boolean {
    const from = w["github-token"] && w["run-id"] ? Number(w["run-id"]) : runId;
    const to = resolve(ws, w.path ?? ".");
    mkdirSync(to, { recursive: true });
    const artifacts = this.artifacts.get(from) ?? new Map<string, string>();
    if (w.name) {
      const dir = artifacts.get(w.name);
      if (dir) cpSync(dir, to, { recursive: true });
      return dir !== undefined;
    }
    // A glob: `*` is any text, everything else literal.
    const literal = w.pattern!.split("*").map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, "\\$&"));
    const pattern = new RegExp(`^${literal.join(".*")}$`);
    for (const [name, dir] of artifacts)
      if (pattern.test(name)) cpSync(dir, w["merge-multiple"] === "true" ? to : join(to, name), { recursive: true });
    return true;
  }

  /** The state file a run left as its artifact. */
  state(runId: number): {
    trials: {
      id: number;
      round: number;
      status: string;
      attempts: {
        attempt: number;
        member?: number;
        status: string;
        value?: number;
        reason?: string;
        jobUrl?: string;
        runId?: number;
        durationMs: number;
        runnerMs?: number;
        intermediate: { step: number; values: Record<string, number> }[];
      }[];
      params: Record<string, number | string | boolean>;
      resource?: number;
      strategyData?: Record<string, unknown>;
      parent?: number;
      ref?: string;
    }[];
    rounds: unknown[];
    stop?: { code: string };
    warmStart?: { source: string; offered: number; trials: unknown[]; notes: string[]; reran: number[] };
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

  private contexts(runId: number, run: RunPlan, extra: Contexts = {}): Contexts {
    return {
      inputs: { "state-run-id": "", pr: "", sha: "", overrides: "", ...run.inputs, config: this.config },
      github: {
        run_id: String(runId),
        token: TOKEN,
        event: { repository: { default_branch: DEFAULT_BRANCH }, ...(run.event as object) },
      },
      ...extra,
    };
  }

  /**
   * One job: the workflow's steps in order, each where its `if:` holds. A step
   * that fails fails the job unless it may (continue-on-error). `afterAction`
   * runs right after each matrix-tune step, to damage what it left.
   */
  private async job(
    name: JobName,
    runId: number,
    run: RunPlan,
    extra: Contexts = {},
    afterAction?: (workspace: string) => void,
  ): Promise<{ result: StepResult; failed: boolean }> {
    const ws = this.checkout();
    const temp = mkdtempSync(join(tmpdir(), "mt-runner-temp-"));
    const steps: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
    const contexts = this.contexts(runId, run, { ...extra, runner: { temp }, steps });
    const env = { ...this.machineEnv, ...this.env(runId), RUNNER_TEMP: temp };
    let failed = false;
    const ran: StepResult[] = [];
    for (const step of WORKFLOW.jobs[name].steps) {
      if (!stepRuns(step.if, contexts, failed)) continue;
      const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v), contexts)]));
      let ok = true;
      let result: StepResult | undefined;
      if (step.run !== undefined) {
        if ((step.shell ?? "bash") !== "bash") throw new Error(`the player runs only bash scripts, not ${step.shell}`);
        const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, contexts)]));
        // The runner expands expressions in the script too; ours have none (workflows.test.ts checks).
        result = await runScript({ workspace: ws, script: expand(step.run, contexts), env: { ...env, ...stepEnv } });
      } else
        switch (step.uses?.replace(/@.*/, "")) {
          case "actions/checkout": {
            // Every job starts from a fresh copy of the repository; another commit replaces it.
            // With a path, the checkout goes there instead (the default branch's is the template unless added).
            const ref = w.ref ?? "";
            this.checkouts.push({ job: name, ref, ...(w.path ? { path: w.path } : {}) });
            const into = w.path ? resolve(ws, w.path) : ws;
            const tree = this.commits.get(ref) ?? (w.path ? this.template : undefined);
            if (tree) {
              rmSync(into, { recursive: true, force: true });
              cpSync(tree, into, { recursive: true });
            }
            break;
          }
          case "actions/download-artifact":
            ok = this.download(runId, ws, w);
            break;
          case "actions/upload-artifact":
            ok = this.upload(runId, ws, w);
            break;
          case "matrix-tune/matrix-tune":
            result = await runStep({ workspace: ws, inputs: w, env, event: run.event });
            afterAction?.(ws);
            break;
          default:
            throw new Error(`the player cannot run step ${JSON.stringify(step)} of job ${name}`);
        }
      if (result) {
        ran.push(result);
        ok = result.code === 0;
      }
      if (step.id) {
        const outcome = ok ? "success" : "failure";
        steps[step.id] = {
          outputs: result?.outputs ?? {},
          outcome,
          conclusion: step["continue-on-error"] ? "success" : outcome,
        };
      }
      if (!ok && !step["continue-on-error"]) failed = true;
    }
    if (!ran.length) throw new Error(`job ${name} never ran a matrix-tune or run: step`);
    return { result: combine(ran), failed };
  }

  async planJob(runId: number, run: RunPlan): Promise<StepResult> {
    const { result } = await this.job("plan", runId, run);
    if (result.code !== 0) throw new Error(`plan failed: ${result.stdout}${result.stderr}`);
    return result;
  }

  async trialJob(
    runId: number,
    entry: MatrixEntry,
    fault: TrialFault | undefined,
    run: RunPlan,
    planOutputs: Record<string, string> = {},
  ): Promise<TrialJobRecord> {
    const name = `tune / ${expand(WORKFLOW.jobs.trial.name!, { matrix: entry })}`;
    const url = `https://github.com/${this.gh.owner}/${this.gh.repo}/actions/runs/${runId}/job/${this.world.nextJobId++}`;
    const runs = entryPayloads(entry);
    if (fault === "dies") {
      this.gh.addJob(runId, {
        name,
        status: "completed",
        conclusion: "failure",
        html_url: url,
        runner_name: "gpu-runner-3",
        ...this.jobTimes?.(entry, runs),
      });
      return { entry, runs, name };
    }
    const corrupt = (ws: string) => {
      const results = join(ws, ".matrix-tune/results");
      if (!existsSync(results)) return; // before the trial ran
      for (const f of readdirSync(results)) writeFileSync(join(results, f), '{"version": 1, "study": "dig');
    };
    const { result, failed } = await this.job(
      "trial",
      runId,
      run,
      { matrix: entry, needs: { plan: { outputs: planOutputs } } },
      fault === "corrupt" ? corrupt : undefined,
    );
    this.gh.addJob(runId, {
      name,
      status: "completed",
      conclusion: failed ? "failure" : "success",
      html_url: url,
      runner_name: "gpu-runner-1",
      ...this.jobTimes?.(entry, runs),
    });
    return { entry, runs, name, result };
  }

  /** The report job; `planOutputs` are what `needs.plan.outputs` reads. */
  async reportJob(runId: number, run: RunPlan, planOutputs: Record<string, string> = {}): Promise<StepResult> {
    const { result } = await this.job("report", runId, run, { needs: { plan: { outputs: planOutputs } } });
    return result;
  }

  /** One workflow run: plan, the matrix, then report (unless cancelled). */
  async run(run: RunPlan): Promise<RunRecord> {
    const runId = this.world.nextRunId++;
    const plan = await this.planJob(runId, run);
    const record: RunRecord = { runId, plan, trials: [], jobs: [] };
    this.runs.push(record);
    if (plan.outputs.done === "true") return record;
    const matrix = JSON.parse(plan.outputs.matrix!) as { include: MatrixEntry[] };
    const entries = run.cancelAfter !== undefined ? matrix.include.slice(0, run.cancelAfter) : matrix.include;
    record.jobs = await Promise.all(
      entries.map((e) => this.trialJob(runId, e, faultOf(e, run.faults), run, plan.outputs)),
    );
    record.trials = record.jobs.flatMap((j) => (j.result ? [j.result] : []));
    if (run.cancelAfter !== undefined) return record;
    record.report = await this.reportJob(runId, run, plan.outputs);
    return record;
  }

  /** Runs the first round, then follows each dispatch until the study is done. */
  async untilDone(
    first: RunPlan,
    maxRuns = 10,
    faultsFor?: (runIndex: number) => RunPlan["faults"],
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

/** The fault planned for the job of this entry: by its id, else by the trial of any of its runs. */
function faultOf(entry: MatrixEntry, faults: RunPlan["faults"]): TrialFault | undefined {
  if (!faults) return undefined;
  if (entry.id !== undefined && faults.has(entry.id)) return faults.get(entry.id);
  return entryPayloads(entry)
    .map((p) => faults.get(p.trial))
    .find((f) => f !== undefined);
}

/**
 * A job's code steps read as one, as its log reads: their output in order,
 * the code of the first that failed (else 0), and every step's outputs (a
 * later step's winning, as the last matrix-tune step's are the ones a job
 * passes on).
 */
function combine(results: readonly StepResult[]): StepResult {
  return {
    code: results.find((r) => r.code !== 0)?.code ?? 0,
    outputs: Object.assign({}, ...results.map((r) => r.outputs)),
    summary: results.map((r) => r.summary).join(""),
    stdout: results.map((r) => r.stdout).join(""),
    stderr: results.map((r) => r.stderr).join(""),
    annotations: results.flatMap((r) => r.annotations),
  };
}

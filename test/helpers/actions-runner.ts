/**
 * Runs the bundled Action (action.js of the bundle under test, see cli.ts) the way a GitHub runner does: a
 * child process with INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
 * GITHUB_EVENT_PATH and the rest of the job's environment, the runner's
 * service credentials included (as fakes, distinctive enough to search for),
 * then reads back the files it wrote. Nothing of the Action is imported or
 * stubbed. `runScript` does the same for a `run:` step: bash, with the
 * environment a runner gives a script, which has none of those credentials.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import { truthy } from "@actions/expressions/result";
import { parse } from "yaml";
import { BUNDLE, ROOT } from "./cli.ts";

export const ACTION = join(BUNDLE, "action.js");

export interface StepResult {
  code: number | null;
  outputs: Record<string, string>;
  summary: string;
  stdout: string;
  stderr: string;
  /** `::error file=…,line=…::message` and `::warning::` workflow commands the step printed. */
  annotations: string[];
}

/** Parses GITHUB_OUTPUT as the runner does: `name=value` lines and `name<<DELIM` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delim) value.push(lines[i]!);
      out[name!] = value.join("\n");
    } else if (line.includes("=")) {
      const at = line.indexOf("=");
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

export interface StepOptions {
  /** Action inputs by their action.yml names; unset ones take action.yml's defaults. */
  inputs: Record<string, string>;
  workspace: string;
  env?: Record<string, string>;
  /** The webhook payload of the triggering event. */
  event?: unknown;
}

/**
 * What a runner puts in a JavaScript action step's environment besides its
 * inputs: the artifact, cache and OIDC services' endpoints and tokens. Each
 * value is distinctive, so that a test can look for it anywhere a trial could
 * read (its own environment, its ancestors' in /proc). GITHUB_TOKEN stands for
 * a workflow that sets it for the whole job.
 */
export const FAKE_CREDENTIALS = {
  ACTIONS_RUNTIME_TOKEN: "fake-actions-runtime-token-8d1f",
  ACTIONS_RUNTIME_URL: "https://pipelines.fake-actions.example/runtime-7c2a/",
  ACTIONS_RESULTS_URL: "https://results-receiver.fake-actions.example/results-5b9e/",
  ACTIONS_CACHE_URL: "https://artifactcache.fake-actions.example/cache-3e4d/",
  ACTIONS_ID_TOKEN_REQUEST_URL: "https://oidc.fake-actions.example/id-token-request-9a0b",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "fake-id-token-request-token-1f6c",
  GITHUB_TOKEN: "ghs_fakeJobWideGithubToken4b71",
} as const;

/** The `token` input's value (action.yml's default, `github.token`). */
export const FAKE_INPUT_TOKEN = "ghs_fakeInputTokenOfTheStep2e90";

/**
 * The defaults the runner fills in for inputs not given, read from action.yml
 * as the runner reads them; `${{ github.token }}` is the step's token.
 */
const DEFAULTS: Record<string, string> = Object.fromEntries(
  Object.entries(
    (parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as { inputs: Record<string, { default?: string }> }).inputs,
  ).map(([name, input]) => [name, input.default === "${{ github.token }}" ? FAKE_INPUT_TOKEN : (input.default ?? "")]),
);

/** A step's own files (GITHUB_OUTPUT and the rest) and the environment every kind of step gets. */
function stepEnv(opts: Pick<StepOptions, "workspace" | "env" | "event">) {
  const dir = mkdtempSync(join(tmpdir(), "mt-step-"));
  const files = {
    output: join(dir, "output"),
    summary: join(dir, "summary"),
    env: join(dir, "env"),
    path: join(dir, "path"),
    event: join(dir, "event.json"),
  };
  for (const f of [files.output, files.summary, files.env, files.path]) writeFileSync(f, "");
  writeFileSync(files.event, JSON.stringify(opts.event ?? {}));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: "true",
    CI: "true",
    RUNNER_NAME: "gpu-runner-1",
    RUNNER_OS: "Linux",
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_EVENT_PATH: files.event,
    RUNNER_TEMP: dir,
    ...opts.env,
  };
  return { files, env };
}

/**
 * The lines of a step's output that the runner reads as workflow commands:
 * as GitHub's runner does, none between `::stop-commands::TOKEN` and `::TOKEN::`.
 */
function commandLines(stdout: string): string[] {
  const out: string[] = [];
  let resume: string | undefined;
  for (const line of stdout.split("\n")) {
    if (resume !== undefined) {
      if (line === resume) resume = undefined;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(line);
    if (stop) resume = `::${stop[1]}::`;
    else out.push(line);
  }
  return out;
}

function collectOutput(
  child: ChildProcess,
  files: { output: string; summary: string },
  resolve: (r: StepResult) => void,
): void {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  child.on("close", (code) =>
    resolve({
      code,
      outputs: parseOutputFile(readFileSync(files.output, "utf8")),
      summary: readFileSync(files.summary, "utf8"),
      stdout,
      stderr,
      annotations: commandLines(stdout).filter((l) => /^::(error|warning|notice)/.test(l)),
    }),
  );
}

/** A JavaScript action step: the bundled Action, with its inputs, GITHUB_STATE and the runner's credentials. */
export function runStep(opts: StepOptions): Promise<StepResult> {
  const { files, env } = stepEnv(opts);
  const state = join(files.output, "..", "state");
  writeFileSync(state, "");
  Object.assign(env, FAKE_CREDENTIALS, { GITHUB_STATE: state });
  for (const [name, value] of Object.entries({ ...DEFAULTS, ...opts.inputs }))
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ACTION], { cwd: opts.workspace, env, stdio: ["ignore", "pipe", "pipe"] });
    collectOutput(child, files, resolve);
  });
}

/**
 * A `run:` step: its script run by bash as a runner runs it (`bash -e {0}`,
 * in the workspace), spawned from here, not from any action's process, with
 * the step's `env:` (already expanded) over the job's environment and none of
 * the credentials a JavaScript action gets.
 */
export function runScript(opts: Omit<StepOptions, "inputs"> & { script: string }): Promise<StepResult> {
  const { files, env } = stepEnv(opts);
  const script = join(files.output, "..", "script.sh");
  writeFileSync(script, opts.script);
  return new Promise((resolve) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
      cwd: opts.workspace,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    collectOutput(child, files, resolve);
  });
}

/**
 * Workflow expressions, evaluated by GitHub's own expression library: `${{ … }}`
 * in `with:` values and job names, and steps' `if:` conditions. `contexts` are
 * plain JSON (matrix, inputs, github, runner, needs); a function or context the
 * workflow uses that is not given here fails loudly rather than passing unseen.
 */
export type Contexts = Record<string, unknown>;

/** The status functions, for a job that was not cancelled; `failed`: an earlier step failed. */
function statusFunctions(failed: boolean) {
  const fn = (name: string, value: boolean) => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(value),
  });
  return [fn("success", !failed), fn("failure", failed), fn("always", true), fn("cancelled", false)];
}

function evaluate(expr: string, contexts: Contexts, failed = false): data.ExpressionData {
  const functions = statusFunctions(failed);
  const tree = new Parser(new Lexer(expr).lex().tokens, Object.keys(contexts), functions).parse();
  const values = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  return new Evaluator(tree, values, new Map(functions.map((f) => [f.name, f]))).evaluate();
}

/** A value with `${{ … }}` in it, as the runner expands it (null reads as ""). */
export function expand(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expr: string) => evaluate(expr, contexts).coerceString());
}

/** A step's `if:` (with or without `${{ }}`); without a status function GitHub reads it as `success() && (…)`. */
export function stepRuns(condition: string | undefined, contexts: Contexts, failed: boolean): boolean {
  if (condition === undefined) return !failed;
  const expr = condition.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
  const guarded = /\b(success|failure|always|cancelled)\(/.test(expr) ? expr : `success() && (${expr})`;
  return truthy(evaluate(guarded, contexts, failed));
}

/**
 * Runs the bundled `matrix-tune` CLI (what users run) as a real process: the
 * bundle `npm test` builds from the current source (MATRIX_TUNE_BUNDLE), or the
 * committed dist/ when a test file runs on its own.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BUNDLE = process.env.MATRIX_TUNE_BUNDLE || join(ROOT, "dist");
export const CLI = join(BUNDLE, "cli.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `cli`: another copy of the bundle's cli.js than the one under test. */
export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  cli?: string;
}

export function startCli(args: string[], opts: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [opts.cli ?? CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, CI: "true", ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}

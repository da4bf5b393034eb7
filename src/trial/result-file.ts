/**
 * Trial result files: what a trial job leaves for the report job (through an
 * artifact) and what a cancelled round leaves for the next plan. Reading is
 * forgiving by file: a corrupted file is reported by name and skipped, and every
 * other result is still recorded.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { RESULT_VERSION, type TrialResult, trialResultSchema } from "../protocol/result.ts";
import { type Run, runKey } from "../protocol/run.ts";
import type { Attempt } from "../protocol/trial.ts";

/** `result-<trial>-<attempt>[-<member>].json`: the members of a trial each leave their own. */
export function resultFileName(run: Run): string {
  return `result-${runKey(run)}.json`;
}

export function writeResultFile(dir: string, study: string, attempt: Attempt): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, resultFileName(attempt));
  const result: TrialResult = { version: RESULT_VERSION, study, ...attempt };
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** A result as read from its file: the path names it in every warning about it. */
export interface FoundResult {
  path: string;
  result: TrialResult;
}

export interface ReadResults {
  results: FoundResult[];
  /** One line per file that could not be used, naming it and why. */
  problems: string[];
}

/**
 * The largest result file read. A trial's own is a few kilobytes (its curve is
 * bounded, its log tail short); anything far larger is damaged or forged, and
 * would swell the study state that every later job reads.
 */
export const MAX_RESULT_BYTES = 1 << 20;

/** Every `result-*.json` under `dir` (artifact downloads may nest them one level per artifact). */
export function readResultFiles(dir: string, study: string): ReadResults {
  const out: ReadResults = { results: [], problems: [] };
  for (const path of findResultFiles(dir, out.problems)) {
    const size = statSync(path).size;
    if (size > MAX_RESULT_BYTES) {
      out.problems.push(
        `${path}: ${size} bytes, over the ${MAX_RESULT_BYTES}-byte (1 MiB) limit for a result file; ignored`,
      );
      continue;
    }
    const read = parseResult(readFileSync(path, "utf8"), study);
    const problem = "problem" in read ? read.problem : misplaced(path, read.result);
    if (problem) out.problems.push(`${path}: ${problem}; ignored`);
    else if ("result" in read) out.results.push({ path, result: read.result });
  }
  return out;
}

/**
 * The artifact each trial job uploads its results in: `matrix-tune-result-<id>`,
 * the id being its run's key (`<trial>-<attempt>[-<member>]`) or, for runs
 * packed into one job, their keys between underscores (`_3-1_4-1_`).
 */
const ARTIFACT = /^matrix-tune-result-(\d+-\d+(?:-\d+)?|_(?:\d+-\d+(?:-\d+)?_)+)$/;

/**
 * Why a result does not belong where it was found: its file is named for
 * another run, or it lies in the artifact of a job that did not run it (each
 * artifact is downloaded into a folder of its own name).
 */
function misplaced(path: string, result: TrialResult): string | undefined {
  const own = runKey(result);
  if (basename(path) !== resultFileName(result)) return `holds the result of run ${own}, not the run its name says`;
  const artifact = ARTIFACT.exec(basename(dirname(path)));
  if (!artifact) return undefined;
  const runs = artifact[1]!.split("_").filter(Boolean);
  if (!runs.includes(own))
    return `the result of run ${own} in the artifact of ${runs.length > 1 ? `the job of runs ${runs.join(", ")}` : `run ${runs[0]}`}`;
  return undefined;
}

/** A result file's text as a result of this study, or what is wrong with it. */
export function parseResult(text: string, study: string): { result: TrialResult } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    // Only the position: the parser's message quotes the text, and the file may be anything.
    const at = /position (\d+)/.exec((err as Error).message);
    return { problem: `not valid JSON${at ? ` (at character ${at[1]})` : ""}` };
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version !== RESULT_VERSION)
    return { problem: `result format version ${version}, this matrix-tune reads ${RESULT_VERSION}` };
  const parsed = trialResultSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    return { problem: `not a trial result (${first.path.join(".") || "top"}: ${first.message})` };
  }
  if (parsed.data.study !== study) return { problem: `belongs to study "${parsed.data.study}", not "${study}"` };
  return { result: parsed.data };
}

/**
 * Result files under `dir`, one level of folders per artifact. Artifacts hold
 * plain files; a symbolic link (to a system file, or a loop) is never
 * followed, only reported.
 */
function findResultFiles(dir: string, problems: string[]): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of entries) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) problems.push(`${path}: a symbolic link, not a result file; ignored`);
    else if (stat.isDirectory()) files.push(...findResultFiles(path, problems));
    else if (stat.isFile() && /^result-\d+-\d+(-\d+)?\.json$/.test(name)) files.push(path);
  }
  return files;
}

/** The attempt inside a result file, without the file's envelope. */
export function attemptOf(result: TrialResult): Attempt {
  const { version: _v, study: _s, ...attempt } = result;
  return attempt as Attempt;
}

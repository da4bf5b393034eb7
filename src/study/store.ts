/**
 * Study state on disk: versioned JSON, validated (and migrated from an older
 * version) on read, written atomically
 * (temporary file, then rename) so that a crash or Ctrl-C mid-write never leaves
 * a torn file and never loses trials already recorded. Learning curves are
 * bounded when recorded (see curve.ts), so the file stays small however many
 * steps trials report.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Config } from "../config/schema.ts";
import { MIGRATABLE_VERSIONS, migrateStudy } from "./migrate.ts";
import { STATE_VERSION, type Study, studySchema } from "./schema.ts";
import { configHash, definingDifferences } from "./study.ts";
import { type WarmStart, warmStartFrom, warmStartRefusal } from "./warm-start.ts";

/** The study state's file name in a study directory or a state artifact. */
export const STATE_FILE = "state.json";

export class StateError extends Error {}

export function readStudy(path: string): Study {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new StateError(`${path}: cannot read the study state: ${(err as Error).message}`);
  }
  return parseStudy(raw, path);
}

export function parseStudy(raw: unknown, source: string): Study {
  const version = (raw as { version?: unknown } | null)?.version;
  const migratable = (MIGRATABLE_VERSIONS as readonly unknown[]).includes(version);
  if (typeof version === "number" && version !== STATE_VERSION && !migratable) {
    const hint =
      version > STATE_VERSION
        ? "it was written by a newer matrix-tune; upgrade matrix-tune to read it"
        : "it was written by an older matrix-tune that this version cannot migrate";
    throw new StateError(
      `${source}: study state version ${version}, this matrix-tune reads version ${STATE_VERSION}: ${hint}`,
    );
  }
  const current = migratable ? migrateStudy(raw as { version: number } & Record<string, unknown>) : raw;
  const parsed = studySchema.safeParse(current);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    throw new StateError(`${source}: not a valid study state:\n  ${first.join("\n  ")}`);
  }
  return parsed.data;
}

/**
 * The study saved at `path`, checked against the config about to continue it:
 * the same name, and the same space, objective, strategy and seed (else its
 * results would mislead the search). Budgets may have changed, so the config
 * as run now is recorded. `remedy` tells the user what to do instead.
 */
export function readStudyFor(path: string, config: Config, remedy: string): Study {
  const study = readStudy(path);
  if (study.name !== config.name)
    throw new StateError(`${path} holds study "${study.name}", but the config names "${config.name}"`);
  if (study.configHash !== configHash(config)) {
    const changed = definingDifferences(study.config, config);
    const what = changed.length ? `: ${changed.join(", ")} changed` : "";
    throw new StateError(
      `${path} was made with a different search space, objective, strategy or seed than ${config.name}'s config has now${what}; its results would mislead the search. ${remedy}`,
    );
  }
  return { ...study, config };
}

/**
 * What a new study takes from the study saved at `path` (warm start), or why it
 * takes nothing. The other study may be of another name, space or state
 * version (it is migrated on read); only its objective must be this one's.
 * `source` names it in reports.
 */
export function readWarmStart(path: string, config: Config, source: string): WarmStart | { refused: string } {
  const base = readStudy(path);
  const refusal = warmStartRefusal(config, base);
  if (refusal) return { refused: `${source} cannot warm-start ${config.name}: ${refusal}` };
  // The name from the other study's validated config, never free text from its file.
  return warmStartFrom(config, base, `${source} (study ${base.config.name})`);
}

/**
 * Saves the study compactly (it is rewritten after every trial), through a
 * temporary file renamed into place; the state it replaces is kept as
 * `state.json.bak`. A write that fails (a read-only directory, a full disk)
 * leaves no temporary file and the last good state untouched, and says which
 * path it could not write.
 */
export function writeStudy(path: string, study: Study): void {
  writeAtomically(path, `${JSON.stringify(study)}\n`, "the study state", true);
}

/**
 * Writes `text` through a temporary file renamed into place, so a reader sees
 * the old file or the new one, never half of one; `backup` keeps the old one
 * as `path.bak`. A failure is a StateError naming `what` and the path.
 */
export function writeAtomically(path: string, text: string, what: string, backup = false): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text);
    if (backup && existsSync(path)) copyFileSync(path, `${path}.bak`);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new StateError(`cannot save ${what} to ${path}: ${(err as Error).message}`);
  }
}

/**
 * Loading the config inside the Action: the same loader as the CLI, with each
 * error also raised as an annotation on the file and line, so it shows up on
 * the workflow run and in the pull request's diff.
 */

import { relative, resolve } from "node:path";
import * as core from "@actions/core";
import { ConfigError } from "../config/errors.ts";
import { type LoadedConfig, loadConfig } from "../config/load.ts";
import { type Overrides, overridesSchema } from "../config/overrides.ts";
import { settledConfig } from "../config/trusted.ts";

export function workspacePath(path: string): string {
  return resolve(process.env.GITHUB_WORKSPACE ?? process.cwd(), path);
}

/** Reads the `overrides` input: JSON made by the slash command from a validated `/tune key=value`. */
export function parseOverrides(text: string): Overrides {
  if (!text) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`input overrides is not JSON (${(err as Error).message})`);
  }
  const parsed = overridesSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `input overrides: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

/**
 * The config a job works with: the file at `path` (or the `/tune config=` one),
 * with the default branch's copy at `trusted` deciding the settings a fork may
 * not choose, and the `/tune` overrides on top.
 */
export function loadActionConfig(path: string, overrides: Overrides = {}, trusted?: string): LoadedConfig {
  const loaded = loadAnnotated(workspacePath(overrides.config ?? path));
  const defaults = trusted ? { config: loadAnnotated(workspacePath(trusted)).config, source: trusted } : undefined;
  return { ...loaded, config: settledConfig(loaded.config, overrides, defaults) };
}

function loadAnnotated(file: string): LoadedConfig {
  try {
    return loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      const shown = relative(process.env.GITHUB_WORKSPACE ?? process.cwd(), file);
      for (const i of err.issues)
        core.error(`${i.path ? `${i.path}: ` : ""}${i.message}`, {
          title: "matrix-tune config",
          file: shown,
          ...(i.line > 0 ? { startLine: i.line, startColumn: i.col } : {}),
        });
    }
    throw err;
  }
}

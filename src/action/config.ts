/**
 * Loading the config inside the Action: the same loader as the CLI, with each
 * error also raised as an annotation on the file and line, so it shows up on
 * the workflow run and in the pull request's diff.
 */

import { relative, resolve } from "node:path";
import * as core from "@actions/core";
import { ConfigError } from "../config/errors.ts";
import { type LoadedConfig, loadConfig } from "../config/load.ts";

export function workspacePath(path: string): string {
  return resolve(process.env.GITHUB_WORKSPACE ?? process.cwd(), path);
}

export function loadActionConfig(path: string): LoadedConfig {
  const file = workspacePath(path);
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

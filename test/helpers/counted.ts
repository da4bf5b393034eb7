/**
 * A study of the `counted` fixture in a temporary directory: each trial
 * journals its start, sleeps (SLEEP_MS), may wait for a gate file (GATE_DIR)
 * and writes its loss. Trials get only the variables the config passes on, so
 * the fixture's controls are listed in its `env:`.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./cli.ts";

export interface CountedStudy {
  dir: string;
  config: string;
  journal: string;
  /** The study's directory: state.json, lock, trials/. */
  study: string;
}

/** `extra` is appended as top-level YAML; `fixtures` are copied from test/fixtures/cli beside the config. */
export function countedStudy(opts: { trials: number; extra?: string; fixtures?: string[] }): CountedStudy {
  const dir = mkdtempSync(join(tmpdir(), "mt-counted-"));
  for (const f of ["counted.mjs", ...(opts.fixtures ?? [])])
    copyFileSync(join(ROOT, "test/fixtures/cli", f), join(dir, f));
  const config = join(dir, "tune.yml");
  writeFileSync(
    config,
    `name: counted
command: [node, counted.mjs, "\${x}"]
objective: {metric: loss, goal: minimize}
parameters:
  x: {type: float, min: 0, max: 1}
strategy: sobol
budget: {max_trials: ${opts.trials}, parallel: 2}
env: {JOURNAL: {from: JOURNAL}, SLEEP_MS: {from: SLEEP_MS}, GATE_DIR: {from: GATE_DIR}}
${opts.extra ?? ""}`,
  );
  return { dir, config, journal: join(dir, "journal.txt"), study: join(dir, ".matrix-tune/counted") };
}

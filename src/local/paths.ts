/** Where a local study keeps its files: the state, best.json, the report and each run's directory. */
import { dirname, join, resolve } from "node:path";
import type { Config } from "../config/schema.ts";
import { PAGE_FILE } from "../page/write.ts";
import { type Run, runKey } from "../protocol/run.ts";
import { STATE_FILE } from "../study/store.ts";

export interface StudyPaths {
  dir: string;
  state: string;
  /** The best trial so far, for scripts (see report/json.ts). */
  best: string;
  report: string;
  /** The report page (src/page), to open in a browser. */
  page: string;
  /** A run's own directory: params.json, log.txt, metrics.json and its checkpoint/. */
  runDir(run: Run): string;
}

export function studyPaths(configFile: string, config: Config, stateDir?: string): StudyPaths {
  const dir = resolve(stateDir ?? join(dirname(configFile), ".matrix-tune", config.name));
  return {
    dir,
    state: join(dir, STATE_FILE),
    best: join(dir, "best.json"),
    report: join(dir, "report.md"),
    page: join(dir, PAGE_FILE),
    runDir: (run) => join(dir, "trials", runKey(run)),
  };
}

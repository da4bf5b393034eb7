/**
 * The study state inside a workflow: read from the directory the previous
 * round's state artifact was downloaded into, written back for the next
 * upload. The same files and functions as the local shell.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import type { Log } from "../driver/log.ts";
import type { Study } from "../study/schema.ts";
import { readStudyFor, STATE_FILE, writeStudy } from "../study/store.ts";
import { createStudy } from "../study/study.ts";
import type { WarmStart } from "../study/warm-start.ts";

/** `warmStart` is asked only for a new study: what it starts from, if anything. */
export function readOrCreateStudy(
  dir: string,
  config: Config,
  log: Log,
  warmStart: () => WarmStart | undefined = () => undefined,
): Study {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) {
    log.info(`no study state in ${dir}: starting study ${config.name}`);
    const warm = warmStart();
    return createStudy(config, warm ? { warmStart: warm } : {});
  }
  return readStudyFor(path, config, "Start a new study (change its name) or restore the config");
}

export function saveStudy(dir: string, study: Study): string {
  const path = join(dir, STATE_FILE);
  writeStudy(path, study);
  return path;
}

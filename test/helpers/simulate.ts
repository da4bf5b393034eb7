/** Studies run to their end through the round driver, each trial's value computed in-process. */
import type { Config } from "../../src/config/schema.ts";
import { driveStudy } from "../../src/driver/drive.ts";
import { inProcessBackend } from "../../src/driver/in-process.ts";
import type { Job } from "../../src/engine/jobs.ts";
import type { Study, Trial } from "../../src/study/schema.ts";
import { createStudy } from "../../src/study/study.ts";

/** `f` gives a run's value (`job` says which member it is, and its parameters with the resource), or undefined for a trial that fails; `notes` has each round's note ("" for none). */
export async function simulateStudy(
  config: Config,
  f: (trial: Trial, job: Job) => number | undefined,
): Promise<{ study: Study; notes: string[] }> {
  const notes: string[] = [];
  const backend = inProcessBackend((trial, job) => f(trial, job) ?? { failed: "exited with code 1" });
  const { study } = await driveStudy(config, createStudy(config), backend, {
    roundStarted: (round) => notes.push(round.note ?? ""),
  });
  return { study, notes };
}

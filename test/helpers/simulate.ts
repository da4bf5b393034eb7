/** Studies run to their end through the round driver, each trial's value computed in-process. */
import type { Config } from "../../src/config/schema.ts";
import { driveStudy } from "../../src/driver/drive.ts";
import { inProcessBackend } from "../../src/driver/in-process.ts";
import type { Job } from "../../src/engine/jobs.ts";
import type { Trial } from "../../src/protocol/trial.ts";
import type { Study } from "../../src/study/schema.ts";
import { createStudy } from "../../src/study/study.ts";

/** `f` gives a run's value (`job` says which member it is, and its parameters with the resource), or its value with every metric (several objectives, constraints), or undefined for a trial that fails; `notes` has each round's note ("" for none). */
/** From `study` (a new one by default), for at most `rounds` rounds (all by default). */
export async function simulateStudy(
  config: Config,
  f: (trial: Trial, job: Job) => number | { value: number; metrics: Record<string, number> } | undefined,
  { study = createStudy(config), rounds = Number.POSITIVE_INFINITY }: { study?: Study; rounds?: number } = {},
): Promise<{ study: Study; notes: string[] }> {
  const notes: string[] = [];
  const enough = new AbortController();
  const backend = inProcessBackend((trial, job) => f(trial, job) ?? { failed: "exited with code 1" });
  const driven = await driveStudy(config, study, backend, {
    signal: enough.signal,
    roundStarted(round) {
      notes.push(round.note ?? "");
      if (notes.length >= rounds) enough.abort();
    },
  });
  return { study: driven.study, notes };
}

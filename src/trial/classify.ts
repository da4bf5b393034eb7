/**
 * What a finished run amounts to: succeeded with its objective, pruned by the
 * early-stopping rule, or failed with a reason a person can act on (could not
 * start, timed out, killed, a non-zero exit with stderr's telling line, or no
 * usable objective).
 */
import type { Attempt, Intermediate } from "../protocol/trial.ts";
import type { Resolved } from "./metric-sources.ts";
import type { ExitRecord } from "./supervise.ts";

export interface RunFacts {
  /** Which run this was and where it ran. */
  run: { trialId: number; attempt: number; runner: string; member?: number };
  /** How the command ended; a run stopped by Ctrl-C is no attempt and never comes here. */
  exit: ExitRecord;
  metrics: Resolved;
  intermediate: Intermediate[];
  /** The early-stopping rule's verdict, when it stopped the run. */
  pruned?: { reason: string; value: number };
  /** The config's timeout, named in the reason of a run that reached it. */
  timeoutS?: number;
}

export function classify(facts: RunFacts): Attempt {
  const { exit } = facts;
  const common = {
    ...facts.run,
    durationMs: exit.durationMs,
    finishedAt: exit.finishedAt,
    logTail: exit.tail,
    intermediate: facts.intermediate,
  };
  const { ending } = exit;
  if (ending.kind === "spawn-error")
    return { status: "failed", reason: ending.message, exitCode: null, signal: null, metrics: {}, ...common };
  const ended = { exitCode: ending.code, signal: ending.signal, metrics: facts.metrics.metrics, ...common };
  if (facts.pruned) return { status: "pruned", ...facts.pruned, ...ended };
  if (ending.timedOut) return { status: "failed", reason: `timed out after ${facts.timeoutS}s (timeout)`, ...ended };
  if (ending.code !== 0)
    return {
      status: "failed",
      reason: ending.signal ? `killed by ${ending.signal}` : `exited with code ${ending.code}${lastLine(exit.stderr)}`,
      ...ended,
    };
  if (!facts.metrics.ok) return { status: "failed", reason: facts.metrics.reason, ...ended };
  return { status: "succeeded", value: facts.metrics.value, ...ended };
}

/** The last informative stderr line (Node ends its traces with stack frames and a version line). */
function lastLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^Node\.js v\d/.test(l) && !/^at .+:\d+:\d+\)?$/.test(l));
  // Usage text or a traceback often follows the line that says what went wrong.
  const line = lines.findLast((l) => /error|invalid|exception|fail|not found|denied|killed/i.test(l)) ?? lines.at(-1);
  return line ? `: ${line.slice(0, 300)}` : "";
}

/**
 * Runs one trial: prepares what the command is given (prepare.ts), runs it
 * to its end (supervise.ts) while reading its metric lines and applying the
 * early-stopping rule, resolves its metrics, and says what the run amounts to
 * (classify.ts). This is the one place that starts user code; the local shell
 * and `matrix-tune trial --spec` (a GitHub trial job's `run:` step) share it.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { Attempt } from "../protocol/trial.ts";
import { MedianPruner } from "../strategy/prune.ts";
import { classify } from "./classify.ts";
import { definitionSource, fileSource, lineSource, resolveMetrics } from "./metric-sources.ts";
import { LineMetrics, matchDefinitions, parseMetricsFile } from "./metrics.ts";
import { prepareLaunch } from "./prepare.ts";
import type { TrialRequest } from "./request.ts";
import { supervise } from "./supervise.ts";

export type TrialOutcome = { kind: "finished"; attempt: Attempt } | { kind: "interrupted" };

/** The machine a run ran on, as the result records it: the runner's name in CI, else the host's. */
export function runnerName(): string {
  return process.env.RUNNER_NAME ?? hostname();
}

export async function runTrial(request: TrialRequest): Promise<TrialOutcome> {
  const { config } = request;
  const launch = prepareLaunch(request);
  const lines = new LineMetrics({ objective: config.objective[0], pinned: request.rungSteps });
  const pruner = request.prune ? new MedianPruner(request.prune, config.objective[0]) : undefined;
  let pruned: { reason: string; value: number } | undefined;
  const onLine = (line: string, exited: boolean): boolean => {
    const step = lines.add(line);
    if (!step) return false;
    request.onIntermediate?.(step);
    // Lines read after the process ended (output buffered until exit) come too
    // late to save anything: the trial finished, and its result is what counts.
    if (!pruner || pruned || exited) return false;
    const verdict = pruner.observe(step.step, step.values);
    if (!verdict.prune) return false;
    pruned = verdict;
    return true;
  };
  const exit = await supervise(launch, {
    timeoutS: config.timeout,
    signal: request.signal,
    killGraceS: request.killGraceS,
    pipeGraceS: request.pipeGraceS,
    onStart: request.onStart,
    ...(config.metrics.lines ? { onLine } : {}),
  });
  if (exit.ending.kind === "exit" && exit.ending.aborted) return { kind: "interrupted" };
  // In order of precedence: the file the command writes, regexes over its output, its metric lines.
  const metrics = resolveMetrics(config, [
    fileSource(parseMetricsFile(readIfExists(launch.metricsFile)), launch.metricsFile),
    definitionSource(
      config.metrics.definitions,
      matchDefinitions(config.metrics.definitions, exit.stdout, exit.stderr),
    ),
    lineSource(config.metrics.lines, lines),
  ]);
  const run = {
    trialId: request.trialId,
    attempt: request.attempt,
    runner: runnerName(),
    ...(request.member ? { member: request.member.index } : {}),
  };
  const attempt = classify({
    run,
    exit,
    metrics,
    intermediate: lines.steps,
    ...(pruned ? { pruned } : {}),
    ...(config.timeout !== undefined ? { timeoutS: config.timeout } : {}),
  });
  return { kind: "finished", attempt };
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

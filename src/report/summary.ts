/**
 * The study at a glance: counts, the best trial as a YAML snippet ready to paste
 * into a config, and why the study stopped. Shared by the terminal and markdown reports.
 */

import { stringify } from "yaml";
import type { Config } from "../config/schema.ts";
import { scoreTrial } from "../pareto/scores.ts";
import type { Trial } from "../protocol/trial.ts";
import { trialSamples, trialValue } from "../protocol/trial-value.ts";
import { bestTrial } from "../study/best.ts";
import type { Study } from "../study/schema.ts";
import { membersOf } from "../study/study.ts";
import { fmtNumber } from "./format.ts";
import { isMultiObjective } from "./front.ts";

export interface Counts {
  trials: number;
  succeeded: number;
  failed: number;
  pruned: number;
  unfinished: number;
  rounds: number;
}

export function counts(study: Study): Counts {
  const by = (s: string) => study.trials.filter((t) => t.status === s).length;
  return {
    trials: study.trials.length,
    succeeded: by("succeeded"),
    failed: by("failed"),
    pruned: by("pruned"),
    unfinished: by("pending") + by("running"),
    rounds: study.rounds.length,
  };
}

export function countsLine(study: Study): string {
  const c = counts(study);
  const parts = [`${c.trials} trials in ${c.rounds} rounds${membersText(study.config)}`, `${c.succeeded} succeeded`];
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.pruned) parts.push(`${c.pruned} pruned`);
  if (c.unfinished) parts.push(`${c.unfinished} unfinished`);
  return parts.join(", ");
}

/** " (each 2 repeats × 3 folds)": what one trial is, when it is more than one run. */
function membersText(config: Pick<Config, "repeats" | "folds">): string {
  if (membersOf(config) === 1) return "";
  const parts = [];
  if (config.repeats > 1) parts.push(`${config.repeats} repeats`);
  if (config.folds > 1) parts.push(`${config.folds} folds`);
  return ` (each ${parts.join(" × ")})`;
}

/**
 * The best configuration as YAML, headed by a comment with its value, the
 * resource it was reached at (not a parameter, so not in the YAML) and how
 * many runs the value averages.
 */
export function bestSnippet(config: Config, study: Study): string | undefined {
  const best = bestTrial(config, study);
  if (!best) return undefined;
  const runs = trialSamples(best).length;
  const of = membersOf(config);
  const notes = [
    config.resource && best.resource !== undefined ? ` at ${config.resource.name} ${fmtNumber(best.resource)}` : "",
    of > 1 ? ` (mean of ${runs === of ? "" : `${runs} of `}${of} runs)` : "",
  ];
  const header = isMultiObjective(config)
    ? `# chosen: trial ${best.id} of the Pareto front, ${objectiveValues(config, best)}${notes.join("")}`
    : `# best: trial ${best.id}, ${config.objective[0].metric} = ${fmtNumber(trialValue(best)!, 6)}${notes.join("")}`;
  return `${header}\n${stringify(best.params).trimEnd()}`;
}

/** "latency_ms = 12, accuracy = 0.93": a trial's value of each objective. */
export function objectiveValues(config: Config, trial: Trial): string {
  const values = scoreTrial(config, trial)?.values ?? [];
  // The line is a YAML comment inside a code fence: a line break in a name would end the comment, or the fence.
  return config.objective
    .map((o, i) => `${o.metric.replace(/[\r\n]+/g, " ")} = ${fmtNumber(values[i] ?? Number.NaN, 6)}`)
    .join(", ");
}

/**
 * How the best trial compares with the baseline trial (the defaults), when the
 * study ran one. It says how many runs each value is, rather than claim a win.
 */
export function baselineLine(config: Config, study: Study): string | undefined {
  if (!config.baseline) return undefined;
  const base = study.trials[0];
  if (!base) return undefined;
  const baseValue = trialValue(base);
  if (baseValue === undefined) return `Baseline (defaults, trial 0): ${base.status}, nothing to compare with.`;
  const best = bestTrial(config, study)!;
  const bestValue = trialValue(best)!;
  if (best.id === base.id)
    return `No trial beat the baseline (defaults, trial 0): ${config.objective[0].metric} = ${fmtNumber(baseValue)}.`;
  const diff = bestValue - baseValue;
  const [a, b] = [trialSamples(base).length, trialSamples(best).length];
  const runs =
    a === 1 && b === 1 ? "one run each" : a === b ? `means of ${a} runs each` : `means of ${a} and ${b} runs`;
  return `Best vs baseline (defaults, trial 0): ${config.objective[0].metric} ${fmtNumber(baseValue)} → ${fmtNumber(bestValue)} (${diff > 0 ? "+" : "−"}${fmtNumber(Math.abs(diff))}), ${runs}.`;
}

export function stopLine(study: Study): string {
  return study.stop
    ? `Stopped: ${study.stop.message}.`
    : "Not finished: more rounds can run (`matrix-tune run --resume`).";
}

/**
 * What the study started from, when it was warm-started: how many of the other
 * study's trials it learned from (never counted as its own), which of its own
 * trials re-ran the other's best, and what the mapping between the spaces changed.
 */
export function warmStartLine(study: Pick<Study, "warmStart">): string | undefined {
  const warm = study.warmStart;
  if (!warm) return undefined;
  const used = `learned from ${warm.trials.length} of its ${warm.offered} trials with a value (they are not this study's results)`;
  const reran = warm.reran.length
    ? `; ${warm.reran.length > 1 ? "trials" : "trial"} ${warm.reran.join(", ")} re-ran its best ${warm.reran.length > 1 ? `${warm.reran.length} configurations` : "configuration"}`
    : "";
  const notes = warm.notes.length ? `; ${warm.notes.join("; ")}` : "";
  return `Warm start from ${warm.source}: ${used}${reran}${notes}.`;
}
